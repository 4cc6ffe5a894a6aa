package main

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify/smtptest"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// addCommittee creates three more certify committee members (the catalog's quorum is
// 3) and puts demo-expert on the committee too, so that the rule excluding staff who
// acted on the case has someone to exclude.
func addCommittee(t *testing.T, m *Main) {
	t.Helper()
	ctx := context.Background()
	err := m.DB.Update(ctx, func(tx *store.Tx) error {
		for i := 1; i <= 3; i++ {
			id, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: fmt.Sprintf("committee-%d", i), Kind: identity.KindStaff,
				Email: fmt.Sprintf("committee-%d@ito.example", i), Password: demo.Password, TOTPSecret: demo.TOTPSecret})
			if err != nil {
				return err
			}
			if err := identity.Grant(ctx, tx, id, "certify", identity.Committee); err != nil {
				return err
			}
		}
		var expert int64
		if err := tx.QueryRow(ctx, "SELECT id FROM accounts WHERE username = 'demo-expert'").Scan(&expert); err != nil {
			return err
		}
		return identity.Grant(ctx, tx, expert, "certify", identity.Committee)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestComplaintPathEndToEnd_C45 follows §7 through the running server on both
// databases: a negotiation on the applicant's case, escalation (once), the committee
// with the expert who claimed the case excluded (403), no decision without quorum
// (409), the announced decision by e-mail to a real SMTP receiver, and the public
// figures.
func TestComplaintPathEndToEnd_C45(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			mail := smtptest.NewServer(t, smtptest.Options{NoSTARTTLS: true})
			dbURL := ""
			if backend == "postgres" {
				dbURL = storetest.PostgresURL(t)
			}
			m := startDemoWith(t, dbURL, func(c *Config) { c.SMTPAddr = mail.Addr() })
			addCommittee(t, m)
			complaintPath(t, m, mail)
		})
	}
}

func complaintPath(t *testing.T, m *Main, mail *smtptest.Server) {
	u, js := m.URL(), "application/json"
	applicant := apiLogin(t, m, "demo-applicant", "")
	other := apiLogin(t, m, "demo-applicant-2", "")
	resp, body := doJSON(t, "POST", u+"/api/v1/cases", applicant, js, `{"service":"certify","kind":"application","form":`+certifyForm+`}`)
	if resp.StatusCode != 201 {
		t.Fatalf("open case: %d %v", resp.StatusCode, body)
	}
	code := body["tracking_code"].(string)
	expert := staffLogin(t, m, "demo-expert")
	if resp, body := doJSON(t, "POST", u+"/api/v1/cases/"+code+"/claim", expert, "", ""); resp.StatusCode != 204 {
		t.Fatalf("claim: %d %v", resp.StatusCode, body)
	}

	// Another applicant may neither negotiate nor complain about this case.
	if resp, body := doJSON(t, "POST", u+"/api/v1/cases/"+code+"/disputes", other, js, `{"subject":"delay","body":"x"}`); resp.StatusCode != 404 {
		t.Fatalf("dispute on another's case: %d %v", resp.StatusCode, body)
	}
	if resp, body := doJSON(t, "POST", u+"/api/v1/complaints", other, js, `{"type":"conduct","case":"`+code+`","body":"x"}`); resp.StatusCode != 404 || body["error"] == nil {
		t.Fatalf("complaint on another's case: %d %v", resp.StatusCode, body)
	}

	resp, body = doJSON(t, "POST", u+"/api/v1/cases/"+code+"/disputes", applicant, js, `{"subject":"delay","body":"پاسخی نگرفته‌ام"}`)
	if resp.StatusCode != 201 || body["tracking_code"] == nil || body["state"] != "negotiating" {
		t.Fatalf("open dispute: %d %v", resp.StatusCode, body)
	}
	dispute := fmt.Sprint(body["id"])
	supervisor := staffLogin(t, m, "demo-supervisor")
	if resp, body := doJSON(t, "POST", u+"/api/v1/disputes/"+dispute+"/settlement", supervisor, js, `{"action":"propose","text":"بررسی در دو روز"}`); resp.StatusCode != 204 {
		t.Fatalf("propose: %d %v", resp.StatusCode, body)
	}
	resp, body = doJSON(t, "POST", u+"/api/v1/disputes/"+dispute+"/escalate", applicant, js, `{"body":"قبول ندارم"}`)
	if resp.StatusCode != 201 || body["state"] != "review" {
		t.Fatalf("escalate: %d %v", resp.StatusCode, body)
	}
	complaint, tracking := fmt.Sprint(body["id"]), body["tracking_code"].(string)
	if resp, body := doJSON(t, "POST", u+"/api/v1/disputes/"+dispute+"/escalate", applicant, js, `{"body":"دوباره"}`); resp.StatusCode != 409 || body["error"] == nil {
		t.Fatalf("escalating twice: %d %v", resp.StatusCode, body)
	}

	// The expert who claimed the case is on the committee but excluded.
	resp, body = doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/votes", expert, js, `{"outcome":"rejected"}`)
	if resp.StatusCode != 403 || !strings.Contains(fmt.Sprint(body["error"]), "تعارض") {
		t.Fatalf("excluded member votes: %d %v", resp.StatusCode, body)
	}
	if _, body := doJSON(t, "GET", u+"/api/v1/complaints/"+complaint, expert, "", ""); body["excluded"] != true || body["votes"] != nil || body["body"] != nil {
		t.Fatalf("excluded member's view: %v", body)
	}
	if resp, body := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/votes", supervisor, js, `{"outcome":"upheld"}`); resp.StatusCode != 403 {
		t.Fatalf("non-member votes: %d %v", resp.StatusCode, body)
	}
	members := []string{staffLogin(t, m, "committee-1"), staffLogin(t, m, "committee-2"), staffLogin(t, m, "committee-3")}
	for i, tok := range members[:2] {
		if resp, body := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/votes", tok, js, `{"outcome":"upheld"}`); resp.StatusCode != 204 {
			t.Fatalf("vote %d: %d %v", i, resp.StatusCode, body)
		}
	}
	decision := `{"reasons":"پاسخ در مهلت داده نشد","remedies":[{"kind":"apology"},{"kind":"reopen"}]}`
	if resp, body := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/decision", members[0], js, decision); resp.StatusCode != 409 {
		t.Fatalf("deciding without quorum: %d %v", resp.StatusCode, body)
	}
	if resp, body := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/votes", members[2], js, `{"outcome":"partly_upheld"}`); resp.StatusCode != 204 {
		t.Fatalf("third vote: %d %v", resp.StatusCode, body)
	}
	if resp, body := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/decision", expert, js, decision); resp.StatusCode != 403 {
		t.Fatalf("excluded member decides: %d %v", resp.StatusCode, body)
	}
	if resp, body := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/decision", members[0], js, decision); resp.StatusCode != 200 || body["outcome"] != "upheld" {
		t.Fatalf("decide: %d %v", resp.StatusCode, body)
	}
	if resp, _ := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/decision", members[1], js, `{"reasons":"دیگر"}`); resp.StatusCode != 409 {
		t.Fatalf("changing the announced decision: %d", resp.StatusCode)
	}
	if _, body := doJSON(t, "GET", u+"/api/v1/complaints/"+complaint, applicant, "", ""); body["reasons"] != "پاسخ در مهلت داده نشد" || body["votes"] != nil {
		t.Fatalf("applicant's view: %v", body)
	}
	if resp, _ := doJSON(t, "POST", u+"/api/v1/complaints/"+complaint+"/acknowledge", applicant, "", ""); resp.StatusCode != 204 {
		t.Fatalf("acknowledge: %d", resp.StatusCode)
	}

	// The announcement reaches a real SMTP receiver once the runner delivers the outbox.
	deadline := time.Now().Add(20 * time.Second)
	for !announced(mail, tracking) && time.Now().Before(deadline) {
		if _, err := m.Runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !announced(mail, tracking) {
		t.Fatalf("no announcement of %s reached the SMTP server (%d messages)", tracking, len(mail.Messages()))
	}

	// Public figures: counts only.
	_, body = doJSON(t, "GET", u+"/api/v1/complaints/stats?service=certify", "", "", "")
	if body["complaints"] != float64(1) || body["decided"] != float64(1) || body["upheld_rate"] != float64(1) {
		t.Fatalf("figures: %v", body)
	}

	// The applicant's pages show the complaint and its decision.
	_, get := webClient(t, m, "demo-applicant")
	if page := get("/complaints"); !strings.Contains(page, tracking) {
		t.Fatal("the applicant's complaints page does not list the complaint")
	}
	if page := get("/complaints/" + complaint); !strings.Contains(page, "پاسخ در مهلت داده نشد") || !strings.Contains(page, `id="decision-outcome"`) {
		t.Fatal("the complaint page does not show the decision with its reasons")
	}
	// The supervisor's page offers the steps a reopened case may return to: only the
	// organization-held, non-final states of its process.
	sup := newFormClient(t, u, nil)
	if status, _, resp := sup.post("/login", url.Values{"username": {"demo-supervisor"}, "password": {demo.Password}}); status != http.StatusSeeOther || resp.Header.Get("Location") != "/login/totp" {
		t.Fatalf("supervisor password step: %d", status)
	}
	// The API login above used this step's code; the next step's is accepted once.
	code, err := identity.TOTPCode(demo.TOTPSecret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := sup.post("/login/totp", url.Values{"totp": {code}}); status != http.StatusSeeOther {
		t.Fatalf("supervisor TOTP step: %d", status)
	}
	_, page, _ := sup.get("/complaints/" + complaint)
	if !strings.Contains(page, `id="reopen-state-`) || !strings.Contains(page, `value="technical_review"`) ||
		strings.Contains(page, `<option value="issued"`) || strings.Contains(page, `<option value="draft"`) {
		t.Fatalf("the reopen remedy form does not offer exactly the organization-held steps:\n%s", page)
	}
	c, _ := webClient(t, m, "demo-applicant-2")
	resp2, err := c.Get(u + "/complaints/" + complaint)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != 404 {
		t.Fatalf("another applicant opens the complaint page: %d", resp2.StatusCode)
	}
}

// announced reports whether the applicant has received the e-mail announcing the
// decision on the complaint tracking.
func announced(mail *smtptest.Server, tracking string) bool {
	for _, msg := range mail.Messages() {
		parsed, err := netmail.ReadMessage(bytes.NewReader(msg.Data))
		if err != nil || !strings.Contains(strings.Join(msg.To, ","), "ali.rezaei@example.org") {
			continue
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(parsed.Header.Get("Subject"))
		if strings.Contains(subject, tracking) && strings.Contains(subject, "Decision announced") {
			return true
		}
	}
	return false
}
