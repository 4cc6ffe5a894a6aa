package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The public vulnerability form (no sign-in) checks CSRF like every form, shows a
// bad CVSS vector's error beside its field with the form refilled, answers with a
// reference, and limits reports per address (429 with Retry-After); the credit
// page lists nothing undisclosed.
func TestPublicVulnerabilityFormNeedsCSRFAndIsRateLimited(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	fc := newFormClient(t, m.URL(), nil)
	form := func() url.Values {
		return url.Values{"system": {"https://portal.example.ir/login"}, "title": {"SQLi-in-login-form"},
			"description": {"The username parameter goes into the SQL query unescaped."}}
	}
	req, _ := http.NewRequest("POST", m.URL()+"/vulnerabilities/report", strings.NewReader(form().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := fc.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("a report without the CSRF token: %d", resp.StatusCode)
	}
	bad := form()
	bad.Set("cvss", "CVSS:3.1/AV:N/AC:Q")
	status, page, _ := fc.post("/vulnerabilities/report", bad)
	if status != 400 || !strings.Contains(page, `id="cvss-error"`) || !strings.Contains(page, `value="SQLi-in-login-form"`) {
		t.Fatalf("a bad vector: %d, error beside the field and the form refilled? %v", status, strings.Contains(page, "cvss-error"))
	}
	for i := 0; i < 5; i++ {
		status, page, _ = fc.post("/vulnerabilities/report", form())
		if status != 201 || !strings.Contains(page, `id="vuln-sent"`) || !strings.Contains(page, "VR-") {
			t.Fatalf("report %d: %d", i+1, status)
		}
	}
	status, _, resp = fc.post("/vulnerabilities/report", form())
	if status != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a sixth report in an hour: %d, Retry-After %q", status, resp.Header.Get("Retry-After"))
	}
	if _, page, _ := fc.get("/vulnerabilities/credits"); strings.Contains(page, "SQLi-in-login-form") {
		t.Fatal("the credit page lists an undisclosed report")
	}
	if status, _, _ := fc.get("/vulnerabilities"); status != http.StatusSeeOther {
		t.Fatalf("the public reached the analysts' list: %d", status)
	}
}

// SLA M-4.4 on the web: the applicant's dispatch request with a note too long is
// refused beside its field, and a good one starts the clock shown on the page.
func TestDispatchPageShowsTheClockAndFieldErrors_M44(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	org := apiLogin(t, m, "10101234565", "")
	code := certIncident(t, m, org, "DDoS")
	fc := newFormClient(t, m.URL(), nil)
	if status, _, _ := fc.post("/login", url.Values{"username": {"10101234565"}, "password": {"demo-password"}}); status != http.StatusSeeOther {
		t.Fatalf("login: %d", status)
	}
	_, page, _ := fc.get("/cases/" + code + "/dispatch")
	if tok := csrfField.FindStringSubmatch(page); tok != nil {
		fc.csrf = tok[1] // the session's own token, after signing in
	}
	status, page, _ := fc.post("/cases/"+code+"/dispatch", url.Values{"note": {strings.Repeat("x", 5000)}})
	if status != 400 || !strings.Contains(page, `id="note-error"`) {
		t.Fatalf("a note too long: %d", status)
	}
	if status, _, _ := fc.post("/cases/"+code+"/dispatch", url.Values{"note": {"Building 3"}}); status != http.StatusSeeOther {
		t.Fatalf("request: %d", status)
	}
	status, page, _ = fc.get("/cases/" + code + "/dispatch")
	if status != 200 || !strings.Contains(page, `id="dispatch-clock"`) || !strings.Contains(page, "since the request") {
		t.Fatalf("dispatch page: %d", status)
	}
	if status, page, _ := fc.get("/cases/" + code); status != 200 || !strings.Contains(page, `href="/cases/`+code+`/dispatch"`) {
		t.Fatalf("the case page does not link the dispatch page: %d", status)
	}
}
