package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// certifyForm is a complete CERTIFY application form for the demo company.
const certifyForm = `{"product_name_fa":"حسابداری ابري پارس","product_name_en":"Pars Cloud Accounting","version":"۵.۲.۰",
	"category":"accounting","platform":"Web","deployment":"saas","contact_name":"علی رضایی",
	"contact_phone":"021-88001122","contact_email":"ali.rezaei@example.org"}`

// tinyPDF is a minimal PDF the document store accepts; tag makes each one distinct.
func tinyPDF(tag string) []byte {
	return []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + tag + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

func uploadDocument(t *testing.T, m *Main, token, code, typ string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("type", typ)
	fw, _ := mw.CreateFormFile("file", typ+".pdf")
	_, _ = fw.Write(tinyPDF(typ))
	_ = mw.Close()
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/documents", token, mw.FormDataContentType(), body.String())
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: %d %v", typ, resp.StatusCode, out)
	}
}

// checklist returns a review checklist of R-1..R-8 where the listed criteria fail.
func checklist(failed ...string) string {
	var items []map[string]string
	for i := 1; i <= 8; i++ {
		id := fmt.Sprintf("R-%d", i)
		c := map[string]string{"criterion": id, "result": "pass"}
		for _, f := range failed {
			if f == id {
				c["result"], c["note"] = "fail", "شماره‌گذاری اسناد شکاف دارد؛ اصلاح و نسخه جدید را بارگذاری کنید."
			}
		}
		items = append(items, c)
	}
	b, _ := json.Marshal(items)
	return string(b)
}

// step takes a transition through the API and returns the status and body.
func step(t *testing.T, m *Main, token, code, transition, extra string) (int, map[string]any) {
	t.Helper()
	body := `{"transition":"` + transition + `"` + extra + `}`
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/transitions", token, "application/json", body)
	return resp.StatusCode, out
}

// addDualStaff creates a staff account that is both expert and signer on CERTIFY,
// to show that four eyes holds even when one person holds both roles.
func addDualStaff(t *testing.T, m *Main) {
	t.Helper()
	err := m.DB.Update(context.Background(), func(tx *store.Tx) error {
		id, err := identity.CreateAccount(context.Background(), tx, identity.NewAccount{Username: "dual-staff", Kind: identity.KindStaff,
			DisplayName: "کارشناس و امضاکننده", Email: "dual@ito.example", Password: demo.Password, TOTPSecret: demo.TOTPSecret})
		if err != nil {
			return err
		}
		if err := identity.Grant(context.Background(), tx, id, "certify", identity.Expert); err != nil {
			return err
		}
		return identity.Grant(context.Background(), tx, id, "certify", identity.Signer)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func staffLogin(t *testing.T, m *Main, user string) string {
	t.Helper()
	code, _ := identity.TOTPCode(demo.TOTPSecret, time.Now())
	return apiLogin(t, m, user, code)
}

// TestCertifyApplicationToPublishedCertificate_Z41 takes an application from the
// form to a published certificate through the API: checklist rules (C-4.3), four
// eyes between reviewer and signer, issuance in the approving transaction so the
// registry shows it at once (Z-4.1), and `miz verify` passing for it and failing
// for a tampered copy.
func TestCertifyApplicationToPublishedCertificate_Z41(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL()
		addDualStaff(t, m)
		applicant := apiLogin(t, m, demo.OrgNationalID, "")

		resp, out := doJSON(t, "POST", u+"/api/v1/cases", applicant, "application/json",
			`{"service":"certify","kind":"application","form":{"product_name_fa":"","version":"1"}}`)
		if resp.StatusCode != http.StatusBadRequest || errCode(out) != "invalid" {
			t.Fatalf("empty product name: %d %v", resp.StatusCode, out)
		}
		resp, out = doJSON(t, "POST", u+"/api/v1/cases", applicant, "application/json",
			`{"service":"certify","kind":"application","form":`+strings.Replace(certifyForm, `"accounting"`, `"games"`, 1)+`}`)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("unknown category: %d %v", resp.StatusCode, out)
		}
		resp, out = doJSON(t, "POST", u+"/api/v1/cases", applicant, "application/json",
			`{"service":"certify","kind":"application","form":`+certifyForm+`}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("open: %d %v", resp.StatusCode, out)
		}
		code := out["tracking_code"].(string)
		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual",
			"test_access", "ownership_declaration"} {
			uploadDocument(t, m, applicant, code, typ)
		}
		if resp, out := doJSON(t, "POST", u+"/api/v1/cases/"+code+"/submit", applicant, "application/json", ""); resp.StatusCode != 200 {
			t.Fatalf("submit: %d %v", resp.StatusCode, out)
		}

		expert, dual, signer := staffLogin(t, m, "demo-expert"), staffLogin(t, m, "dual-staff"), staffLogin(t, m, "demo-signer")
		if st, out := step(t, m, expert, code, "accept_documents", ""); st != 200 {
			t.Fatalf("accept documents: %d %v", st, out)
		}
		refusals := []struct{ name, transition, extra string }{
			{"pass without checklist", "pass_review", `,"decision":"approve"`},
			{"pass with a missing criterion", "pass_review", `,"decision":"approve","checklist":[{"criterion":"R-1","result":"pass"}]`},
			{"pass with a failed criterion", "pass_review", `,"decision":"approve","checklist":` + checklist("R-4")},
			{"fail without a failure", "fail_criteria", `,"decision":"reject","reason":"x","checklist":` + checklist()},
			{"failure without a note", "fail_criteria", `,"decision":"reject","reason":"x","checklist":` +
				strings.Replace(checklist(), `{"criterion":"R-2","result":"pass"}`, `{"criterion":"R-2","result":"fail"}`, 1)},
		}
		for _, r := range refusals {
			if st, out := step(t, m, expert, code, r.transition, r.extra); st != http.StatusBadRequest {
				t.Fatalf("%s: %d %v", r.name, st, out)
			}
		}
		// The dual-role account reviews first and returns the case for R-4.
		if st, out := step(t, m, dual, code, "fail_criteria", `,"decision":"reject","reason":"R-4","checklist":`+checklist("R-4")); st != 200 || out["state"] != "review_failed" {
			t.Fatalf("fail criteria: %d %v", st, out)
		}
		if st, out := step(t, m, applicant, code, "resubmit_review", ""); st != 200 {
			t.Fatalf("resubmit review: %d %v", st, out)
		}
		if st, out := step(t, m, expert, code, "pass_review", `,"decision":"approve","checklist":`+checklist()); st != 200 || out["state"] != "approval" {
			t.Fatalf("pass review: %d %v", st, out)
		}
		// Four eyes: whoever reviewed the application may not sign it, even holding the role.
		if st, out := step(t, m, dual, code, "approve", `,"decision":"approve"`); st != http.StatusForbidden {
			t.Fatalf("reviewer signs: %d %v", st, out)
		}
		if st, out := step(t, m, signer, code, "approve", `,"decision":"reject"`); st != http.StatusBadRequest {
			t.Fatalf("approve with a reject decision: %d %v", st, out)
		}
		if st, out := step(t, m, signer, code, "approve", `,"decision":"approve"`); st != 200 || out["state"] != "issued" {
			t.Fatalf("approve: %d %v", st, out)
		}

		number := certificateOfCase(t, m, applicant, code)
		resp, cert := doJSON(t, "GET", u+"/api/v1/registry/certificates/"+number, "", "", "")
		if resp.StatusCode != 200 || cert["holder_id"] != demo.OrgNationalID || cert["case_tracking_code"] != code ||
			fmt.Sprint(cert["versions"]) != "[5.2.0]" || cert["status"] != "active" {
			t.Fatalf("registry at once (Z-4.1): %d %v", resp.StatusCode, cert)
		}
		checkApplicantTold(t, m, number)
		verifyLive(t, m, number)
	})
}

// certificateOfCase reads the certificate number from the message the issuance
// left on the case.
func certificateOfCase(t *testing.T, m *Main, token, code string) string {
	t.Helper()
	resp, err := http.NewRequest("GET", m.URL()+"/api/v1/cases/"+code+"/messages", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Header.Set("Authorization", "Bearer "+token)
	r, err := http.DefaultClient.Do(resp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	number := regexp.MustCompile(`CRT-\d{4}-\d{6}`).FindString(string(b))
	if number == "" {
		t.Fatalf("no certificate number in the case's messages: %s", b)
	}
	return number
}

// checkApplicantTold finds the in-app notice and the queued e-mail about number.
func checkApplicantTold(t *testing.T, m *Main, number string) {
	t.Helper()
	var notices, mails int
	err := m.DB.View(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM notifications WHERE title_fa LIKE ?`, "%"+number+"%").Scan(&notices); err != nil {
			return err
		}
		return tx.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND subject LIKE ?`, "%"+number+"%").Scan(&mails)
	})
	if err != nil || notices != 1 || mails != 1 {
		t.Fatalf("applicant told: notices %d, e-mails %d, %v", notices, mails, err)
	}
}

// verifyLive runs `miz verify --server` on the new certificate, then on a tampered
// copy of its signed file.
func verifyLive(t *testing.T, m *Main, number string) {
	t.Helper()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"verify", "--server", m.URL(), number}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("verify --server %s: %d %s %s", number, code, out.String(), errb.String())
	}
	get := func(path string) string {
		resp, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	dir := t.TempDir()
	jws := strings.TrimSpace(get("/api/v1/registry/certificates/" + number + "/credential"))
	keys := filepath.Join(dir, "jwks.json")
	_ = os.WriteFile(keys, []byte(get("/.well-known/jwks.json")), 0o600)
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		t.Fatalf("credential is not a compact JWS: %q", jws)
	}
	payload := parts[1]
	i := len(payload) / 2
	flip := "A"
	if payload[i] == 'A' {
		flip = "B"
	}
	tampered := filepath.Join(dir, "tampered.jws")
	_ = os.WriteFile(tampered, []byte(parts[0]+"."+payload[:i]+flip+payload[i+1:]+"."+parts[2]), 0o600)
	out.Reset()
	errb.Reset()
	if code := run(ctx, []string{"verify", "--key", keys, tampered}, strings.NewReader(""), &out, &errb); code == 0 {
		t.Fatalf("tampered certificate verified: %s %s", out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(ctx, []string{"verify", "--server", m.URL(), strings.Replace(number, "-00", "-99", 1)}, strings.NewReader(""), &out, &errb); code == 0 {
		t.Fatalf("unknown number verified: %s", out.String())
	}
}
