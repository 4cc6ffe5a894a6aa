package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// certWebLogin signs a demo account in through the forms (staff with TOTP) and
// returns its client with the signed-in page's CSRF token.
func certWebLogin(t *testing.T, m *Main, user string) *formClient {
	t.Helper()
	fc := newFormClient(t, m.URL(), nil)
	status, _, resp := fc.post("/login", url.Values{"username": {user}, "password": {demo.Password}})
	if status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", user, status)
	}
	if resp.Header.Get("Location") == "/login/totp" {
		code, _ := identity.TOTPCode(demo.TOTPSecret, time.Now())
		if status, _, _ := fc.post("/login/totp", url.Values{"totp": {code}}); status != http.StatusSeeOther {
			t.Fatalf("totp %s: %d", user, status)
		}
	}
	_, page, _ := fc.get("/cert/report")
	if tok := csrfField.FindStringSubmatch(page); tok != nil {
		fc.csrf = tok[1]
	}
	return fc
}

var incidentPath = regexp.MustCompile(`^/cases/([A-Z0-9-]+)/incident$`)

// TestIncidentReportFormShowsErrorsInPlaceAndStaffReportForAnOrganisation: issue 15
// on the web. The organisation's report form puts each problem beside its field
// (999.1.1.1, an unknown TLP) and stores nothing; a good report leads to the
// incident's page with its TLP label in FIRST's colours. A supervisor takes a report
// by phone for the organisation: the incident is the organisation's, says it was
// recorded by staff, and the audit log has cert.reported_on_behalf.
func TestIncidentReportFormShowsErrorsInPlaceAndStaffReportForAnOrganisation(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		org := certWebLogin(t, m, demo.OrgNationalID)
		if status, _, resp := org.post("/cases", url.Values{"kind": {"cert/incident"}}); status != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/cert/report" {
			t.Fatalf("the generic new-case form opened an incident without its report form: %d %s", status, resp.Header.Get("Location"))
		}
		status, page, _ := org.post("/cert/report", url.Values{"summary": {"Mail server encrypted"},
			"assets": {"999.1.1.1\nhostname: mail01"}, "indicators": {"hxxp://evil[.]ir\nnot@@mail"}, "tlp": {"PURPLE"}})
		for _, id := range []string{`id="assets-error"`, `id="indicators-error"`, `id="tlp-error"`} {
			if status != http.StatusBadRequest || !strings.Contains(page, id) {
				t.Fatalf("bad report: %d, no %s", status, id)
			}
		}
		if !strings.Contains(page, "999.1.1.1") || !strings.Contains(page, "Mail server encrypted") {
			t.Fatal("the form was not filled in again")
		}
		status, _, resp := org.post("/cert/report", url.Values{"summary": {"Mail server encrypted"},
			"assets": {"192.0.2.10\nhostname: mail01"}, "indicators": {"hxxp://evil[.]ir\n1.2.3[.]4"}, "tlp": {"AMBER"}})
		loc := incidentPath.FindStringSubmatch(resp.Header.Get("Location"))
		if status != http.StatusSeeOther || loc == nil {
			t.Fatalf("report: %d %s", status, resp.Header.Get("Location"))
		}
		status, page, _ = org.get(loc[0])
		if status != 200 || !strings.Contains(page, `class="tlp tlp-amber"`) || !strings.Contains(page, "http://evil.ir") ||
			!strings.Contains(page, "Host name") {
			t.Fatalf("incident page: %d", status)
		}

		sup := certWebLogin(t, m, "demo-supervisor")
		status, page, resp = sup.post("/cert/report", url.Values{"summary": {"Phoned at 02:10: defaced site"},
			"organization": {demo.OrgNationalID}, "channel": {"phone"}, "tlp": {"GREEN"}})
		loc = incidentPath.FindStringSubmatch(resp.Header.Get("Location"))
		if status != http.StatusSeeOther || loc == nil {
			t.Fatalf("report on behalf: %d %s", status, page)
		}
		if _, page, _ = sup.get(loc[0]); !strings.Contains(page, `id="cert-on-behalf"`) || !strings.Contains(page, "Phone") {
			t.Fatal("the incident does not say staff recorded it for the organisation")
		}
		if _, page, _ = org.get(loc[0]); !strings.Contains(page, "Phoned at 02:10") {
			t.Fatal("the organisation does not see the report taken for it")
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'cert.reported_on_behalf' AND object_id = ?`, loc[1]); n != 1 {
			t.Fatalf("on-behalf audit entries: %d", n)
		}
		// The supervisor names a recipient of the incident's RED items.
		if status, page, _ := sup.post(loc[0]+"/recipients", url.Values{"username": {"nobody-here"}}); status != 400 ||
			!strings.Contains(page, `id="recipient-error"`) {
			t.Fatalf("unknown recipient: %d", status)
		}
		if status, _, _ := sup.post(loc[0]+"/recipients", url.Values{"username": {"demo-responder"}}); status != http.StatusSeeOther {
			t.Fatalf("name recipient: %d", status)
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'cert.recipient' AND object_id = ?`, loc[1]); n != 1 {
			t.Fatalf("recipient audit entries: %d", n)
		}
		status, page, _ = sup.post("/cert/report", url.Values{"summary": {"x"}, "organization": {"10100000000"}, "channel": {"phone"}})
		if status != http.StatusBadRequest || !strings.Contains(page, `id="organization-error"`) {
			t.Fatalf("unknown organisation: %d", status)
		}
	})
}

// TestIncidentNeedToKnowAndEvidenceEncryptedAtRest: once the on-duty responder
// triages an incident (and so holds it), another CERT staff member gets 404 on its
// page and its API, while the supervisor reads it. Evidence that looks like malware
// is accepted, stored encrypted (no plaintext in the database), listed with its
// SHA-256, and downloaded only by the assigned responder — audited — while the
// supervisor and the reporter are refused.
func TestIncidentNeedToKnowAndEvidenceEncryptedAtRest(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		org := apiLogin(t, m, demo.OrgNationalID, "")
		resp, got := doJSON(t, "POST", m.URL()+"/api/v1/cert/incidents", org, "application/json",
			`{"form":{"summary":"ransomware on the file server","tlp":"amber+strict","indicators":["evil[.]ir"]}}`)
		if resp.StatusCode != 201 {
			t.Fatalf("report: %d %v", resp.StatusCode, got)
		}
		code := got["tracking_code"].(string)
		cu := m.URL() + "/api/v1/cases/" + code + "/incident"
		sample := []byte("memory dump mentioning Mimikatz and WannaCry: " + strings.Repeat("PLAINTEXT-MARKER ", 200))
		r, b := postRaw(t, cu+"/evidence?filename=mem.dmp&description=dump", org, bytes.NewReader(sample))
		if r.StatusCode != 201 {
			t.Fatalf("evidence: %d %s", r.StatusCode, b)
		}
		ctx := context.Background()
		_ = m.DB.View(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, `SELECT data FROM cert_evidence_chunks`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var data []byte
				_ = rows.Scan(&data)
				if bytes.Contains(data, []byte("PLAINTEXT-MARKER")) {
					t.Fatal("evidence stored in clear")
				}
			}
			return nil
		})

		responder := staffLogin(t, m, "demo-responder")
		if resp, got := doJSON(t, "POST", cu+"/triage", responder, "application/json",
			`{"class":"malicious-code","type":"infected-system","severity":"high"}`); resp.StatusCode != 200 {
			t.Fatalf("triage: %d %v", resp.StatusCode, got)
		}
		analyst := staffLogin(t, m, "demo-analyst")
		for _, path := range []string{"", "/evidence", "/export?format=stix"} {
			if resp, _ := doJSON(t, "GET", cu+path, analyst, "", ""); resp.StatusCode != 404 {
				t.Errorf("another CERT staff member read %s: %d", path, resp.StatusCode)
			}
		}
		addCERTAnalyst(t, m, "cert-analyst-2") // a second analyst: a TOTP code is good for one login only
		web := certWebLogin(t, m, "cert-analyst-2")
		if status, _, _ := web.get("/cases/" + code + "/incident"); status != 404 {
			t.Errorf("another CERT staff member opened the incident page: %d", status)
		}
		sup := staffLogin(t, m, "demo-supervisor")
		_, view := doJSON(t, "GET", cu, sup, "", "")
		files, _ := view["evidence"].([]any)
		if len(files) != 1 {
			t.Fatalf("supervisor's view: %v", view)
		}
		f := files[0].(map[string]any)
		if f["tlp"] != "AMBER+STRICT" || f["size"] != float64(len(sample)) || len(f["sha256"].(string)) != 64 {
			t.Fatalf("evidence listing: %v", f)
		}
		dl := cu + "/evidence/" + fmt.Sprint(int64(f["id"].(float64)))
		for name, tok := range map[string]string{"supervisor": sup, "reporter": org} {
			if resp, _ := doJSON(t, "GET", dl, tok, "", ""); resp.StatusCode != 403 {
				t.Errorf("%s downloaded evidence: %d", name, resp.StatusCode)
			}
		}
		req, _ := http.NewRequest("GET", dl, nil)
		req.Header.Set("Authorization", "Bearer "+responder)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.Equal(body, sample) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("assigned responder's download: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'cert.evidence.download' AND object_id = ?`, code); n != 1 {
			t.Fatalf("download audit entries: %d", n)
		}
	})
}

// addCERTAnalyst adds a CERT analyst with the demo password and TOTP secret.
func addCERTAnalyst(t *testing.T, m *Main, user string) {
	t.Helper()
	ctx := context.Background()
	err := m.DB.Update(ctx, func(tx *store.Tx) error {
		id, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: user, Kind: identity.KindStaff,
			DisplayName: "تحلیلگر دوم", Email: user + "@ito.example", Password: demo.Password, TOTPSecret: demo.TOTPSecret})
		if err != nil {
			return err
		}
		return identity.Grant(ctx, tx, id, "cert", identity.Analyst)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sweepIncidentPages reports and triages an incident with assets, indicators,
// evidence, a phase and a note, and returns the CERT desk's pages for the sweep of
// raw codes.
func sweepIncidentPages(t *testing.T, m *Main) []string {
	t.Helper()
	org := apiLogin(t, m, demo.OrgNationalID, "")
	resp, got := doJSON(t, "POST", m.URL()+"/api/v1/cert/incidents", org, "application/json",
		`{"form":{"summary":"sweep","first_seen":"1405/01/15","assets":["192.0.2.1","mail.example.ir"],"indicators":"evil[.]ir\n1.2.3.4"}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("report: %d %v", resp.StatusCode, got)
	}
	code := got["tracking_code"].(string)
	if r, b := postRaw(t, m.URL()+"/api/v1/cases/"+code+"/incident/evidence?filename=log.txt", org, strings.NewReader("log")); r.StatusCode != 201 {
		t.Fatalf("evidence: %d %s", r.StatusCode, b)
	}
	ctx := context.Background()
	responder := principalOf(t, m, "demo-responder")
	if err := m.Incidents.Triage(ctx, responder, code, "intrusions", "system-compromise", "critical"); err != nil {
		t.Fatal(err)
	}
	if err := m.Incidents.RecordPhase(ctx, responder, code, "containment", "isolated", "AMBER+STRICT"); err != nil {
		t.Fatal(err)
	}
	if err := m.Incidents.AddNote(ctx, responder, code, "note", ""); err != nil {
		t.Fatal(err)
	}
	return []string{"/cert/report", "/cert/queue", "/cert/stats", "/cases/" + code + "/incident", "/cases/" + code}
}
