package main

import (
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
)

// TestCertIncidentFormAndNeedToKnowThroughTheAPI: issue 15 through the API on both
// databases — the engine, through the cert module, refuses `tlp:"NOT-A-TLP"` and
// IP 999.1.1.1 with a field error; once a responder holds the incident, another
// CERT staff member gets 404 while the supervisor reads it.
func TestCertIncidentFormAndNeedToKnowThroughTheAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1/cases"
		org := apiLogin(t, m, "10101234565", "")
		for body, field := range map[string]string{
			`{"service":"cert","kind":"incident","form":{"summary":"x","tlp":"NOT-A-TLP"}}`:      "tlp",
			`{"service":"cert","kind":"incident","form":{"summary":"x","assets":["999.1.1.1"]}}`: "assets[0]",
			`{"service":"cert","kind":"incident","form":{"indicators":["1.2.3.4","evil"]}}`:      "indicators[1]",
		} {
			resp, got := doJSON(t, "POST", u, org, "application/json", body)
			e, _ := got["error"].(map[string]any)
			if resp.StatusCode != 400 || e["field"] != field || e["message"] == "" {
				t.Errorf("%s: %d %v", body, resp.StatusCode, got)
			}
		}
		resp, body := doJSON(t, "POST", u, org, "application/json",
			`{"service":"cert","kind":"incident","form":{"summary":"باج‌افزار","tlp":"amber+strict","indicators":"hxxp://evil[.]ir\n1.2.3[.]4"}}`)
		if resp.StatusCode != 201 {
			t.Fatalf("open: %d %v", resp.StatusCode, body)
		}
		code := body["tracking_code"].(string)
		if resp, body := doJSON(t, "POST", u+"/"+code+"/submit", org, "application/json", `{}`); resp.StatusCode != 200 {
			t.Fatalf("submit: %d %v", resp.StatusCode, body)
		}
		totp := func() string { c, _ := identity.TOTPCode("JBSWY3DPEHPK3PXP", time.Now()); return c }
		responder := apiLogin(t, m, "demo-responder", totp())
		if resp, body := doJSON(t, "POST", u+"/"+code+"/claim", responder, "application/json", `{}`); resp.StatusCode/100 != 2 {
			t.Fatalf("claim: %d %v", resp.StatusCode, body)
		}
		analyst := apiLogin(t, m, "demo-analyst", totp())
		if resp, body := doJSON(t, "GET", u+"/"+code, analyst, "", ""); resp.StatusCode != 404 {
			t.Fatalf("another CERT staff member read the incident: %d %v", resp.StatusCode, body)
		}
		for name, tok := range map[string]string{"responder": responder, "supervisor": apiLogin(t, m, "demo-supervisor", totp()), "reporter": org} {
			if resp, body := doJSON(t, "GET", u+"/"+code, tok, "", ""); resp.StatusCode != 200 {
				t.Errorf("%s: %d %v", name, resp.StatusCode, body)
			}
		}
	})
}
