package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
)

// TestCertDispatchSentBackResubmittedAndFinished_C41 takes a CERT on-site dispatch
// request (SLA M-4.4) through the API on both databases: the agency's organisation
// opens it with its request letter and submits; the supervisor returns it as
// incomplete, which pauses the clock (C-4.1); the applicant resubmits; the dispatch is
// approved, the applicant sends the access authorisation, the team is
// recorded and dispatched (M-4.4), and the responder closes the investigation.
func TestCertDispatchSentBackResubmittedAndFinished_C41(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1/cases/"
		org := apiLogin(t, m, "10101234565", "")
		resp, body := doJSON(t, "POST", m.URL()+"/api/v1/cases", org, "application/json",
			`{"service":"cert","kind":"dispatch","form":{"summary":"نفوذ به سامانه حسابداری"}}`)
		if resp.StatusCode != 201 {
			t.Fatalf("open: %d %v", resp.StatusCode, body)
		}
		code := body["tracking_code"].(string)
		if resp, body := doJSON(t, "POST", u+code+"/submit", org, "application/json", `{}`); resp.StatusCode != 400 {
			t.Fatalf("submit without the request letter: %d %v", resp.StatusCode, body)
		}
		uploadDocument(t, m, org, code, "request_letter")
		if resp, body := doJSON(t, "POST", u+code+"/submit", org, "application/json", `{}`); resp.StatusCode != 200 || body["state"] != "requested" {
			t.Fatalf("submit: %d %v", resp.StatusCode, body)
		}
		totp := func() string { c, _ := identity.TOTPCode("JBSWY3DPEHPK3PXP", time.Now()); return c }
		sup := apiLogin(t, m, "demo-supervisor", totp())
		resp, body = doJSON(t, "POST", u+code+"/return", sup, "application/json",
			`{"items":[{"item":"request_letter","note":"نامه امضا ندارد"}]}`)
		if resp.StatusCode != 200 || body["state"] != "incomplete" {
			t.Fatalf("return incomplete: %d %v", resp.StatusCode, body)
		}
		_, view := doJSON(t, "GET", u+code, org, "", "")
		clock := view["sla"].(map[string]any)
		if clock["paused"] != true || view["holder"] != "applicant" {
			t.Fatalf("the clock runs while the case is with the applicant: %v", view)
		}
		uploadDocument(t, m, org, code, "request_letter")
		if resp, body := doJSON(t, "POST", u+code+"/resubmit", org, "application/json", ``); resp.StatusCode != 200 || body["state"] != "requested" {
			t.Fatalf("resubmit: %d %v", resp.StatusCode, body)
		}
		if resp, body := doJSON(t, "POST", u+code+"/transitions", sup, "application/json", `{"transition":"approve","decision":"approve"}`); resp.StatusCode != 200 {
			t.Fatalf("approve: %d %v", resp.StatusCode, body)
		}
		if resp, body := doJSON(t, "POST", u+code+"/transitions", org, "application/json", `{"transition":"authorize"}`); resp.StatusCode != 400 {
			t.Fatalf("authorize without the access authorisation: %d %v", resp.StatusCode, body)
		}
		uploadDocument(t, m, org, code, "access_authorization")
		if resp, body := doJSON(t, "POST", u+code+"/transitions", org, "application/json", `{"transition":"authorize"}`); resp.StatusCode != 200 {
			t.Fatalf("authorize: %d %v", resp.StatusCode, body)
		}
		responder := apiLogin(t, m, "demo-responder", totp())
		// SLA M-4.4: "team dispatched" only once a team is recorded on the case.
		if resp, body := doJSON(t, "POST", u+code+"/transitions", responder, "application/json", `{"transition":"dispatch_team"}`); resp.StatusCode != 409 {
			t.Fatalf("team dispatched without a team: %d %v", resp.StatusCode, body)
		}
		resp, body = doJSON(t, "POST", u+code+"/dispatches", org, "application/json", `{"note":"ساختمان مرکزی"}`)
		if resp.StatusCode != 201 {
			t.Fatalf("ask for a team: %d %v", resp.StatusCode, body)
		}
		team := `{"members":["علی رضایی"],"planned_departure":"2026-04-04 10:00","eta":"2026-04-04 12:00"}`
		if resp, body := doJSON(t, "POST", fmt.Sprintf("%s%s/dispatches/%v/team", u, code, body["id"]), responder, "application/json", team); resp.StatusCode != 200 {
			t.Fatalf("record the team: %d %v", resp.StatusCode, body)
		}
		if resp, body := doJSON(t, "POST", u+code+"/transitions", responder, "application/json", `{"transition":"dispatch_team"}`); resp.StatusCode != 200 || body["state"] != "team_dispatched" {
			t.Fatalf("dispatch_team with a team: %d %v", resp.StatusCode, body)
		}
		if resp, body := doJSON(t, "POST", u+code+"/transitions", org, "application/json", `{"transition":"report","decision":"approve"}`); resp.StatusCode != 403 {
			t.Fatalf("the applicant closed the dispatch: %d %v", resp.StatusCode, body)
		}
		resp, body = doJSON(t, "POST", u+code+"/transitions", responder, "application/json", `{"transition":"report","decision":"approve"}`)
		if resp.StatusCode != 200 || body["state"] != "completed" {
			t.Fatalf("report: %d %v", resp.StatusCode, body)
		}
		_, hist := doJSON(t, "GET", u+code+"/history", org, "", "")
		if hist == nil {
			t.Fatal("no history")
		}
	})
}
