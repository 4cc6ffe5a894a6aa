package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/demo"
)

// TestAuthorizationMatrixTLPRowsThroughTheAPI adds TLP 2.0 rows to the
// authorisation matrix: an incident reported as TLP:CLEAR by an organisation holds
// one indicator at each label, and every caller reads the incident and its STIX and
// MISP exports through the real routes. Each label's cell is checked against the
// written rule (tlp.CanSee): RED only to named recipients (the reporter, the
// assigned responder, and whoever the supervisor names), AMBER+STRICT inside the
// reporting organisation and the CERT; staff without need-to-know and outsiders
// get 404, anonymous callers 401 — before and after the supervisor is named.
func TestAuthorizationMatrixTLPRowsThroughTheAPI(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1"
		org := apiLogin(t, m, demo.OrgNationalID, "")
		resp, got := doJSON(t, "POST", u+"/cert/incidents", org, "application/json", `{"form":{"summary":"TLP matrix","tlp":"CLEAR",
			"indicators":[{"value":"clear.example","tlp":"CLEAR"},{"value":"green.example","tlp":"GREEN"},{"value":"amber.example","tlp":"AMBER"},
			{"value":"strict.example","tlp":"AMBER+STRICT"},{"value":"red.example","tlp":"RED"}]}}`)
		if resp.StatusCode != 201 {
			t.Fatalf("report: %d %v", resp.StatusCode, got)
		}
		code := got["tracking_code"].(string)
		cu := u + "/cases/" + code + "/incident"
		responder := staffLogin(t, m, "demo-responder")
		if resp, got := doJSON(t, "POST", cu+"/triage", responder, "application/json",
			`{"class":"malicious-code","type":"c2-server","severity":"high"}`); resp.StatusCode != 200 {
			t.Fatalf("triage: %d %v", resp.StatusCode, got)
		}
		orgP, respP, supP := principalOf(t, m, demo.OrgNationalID), principalOf(t, m, "demo-responder"), principalOf(t, m, "demo-supervisor")
		type caller struct {
			name, token string
			viewer      *tlp.Viewer // nil: may not read the incident at all
			status      int
		}
		callers := []caller{
			{"anonymous", "", nil, 401},
			{"reporting organisation", org, &tlp.Viewer{AccountID: orgP.ID, OrgID: orgP.OrgID, Constituent: true}, 200},
			{"assigned responder", responder, &tlp.Viewer{AccountID: respP.ID, CERT: true}, 200},
			{"supervisor", staffLogin(t, m, "demo-supervisor"), &tlp.Viewer{AccountID: supP.ID, CERT: true}, 200},
			{"analyst without the assignment", staffLogin(t, m, "demo-analyst"), nil, 404},
			{"another applicant", apiLogin(t, m, "demo-applicant-2", ""), nil, 404},
			{"staff of another service", staffLogin(t, m, "demo-signer"), nil, 404},
		}
		rows := map[tlp.Level]string{tlp.Clear: "clear.example", tlp.Green: "green.example", tlp.Amber: "amber.example",
			tlp.AmberStrict: "strict.example", tlp.Red: "red.example"}
		check := func(named []int64) {
			for _, c := range callers {
				// The generic case routes never carry the report's labelled items.
				for _, path := range []string{"", "/history"} {
					if _, text := rawCall(t, "GET", u+"/cases/"+code+path, c.token, "", ""); strings.Contains(text, ".example") {
						t.Errorf("%s: GET /cases/{code}%s carries the report's indicators", c.name, path)
					}
				}
				for _, path := range []string{"", "/export?format=stix", "/export?format=misp"} {
					status, text := rawCall(t, "GET", cu+path, c.token, "", "")
					if status != c.status {
						t.Errorf("%s GET incident%s: %d, want %d", c.name, path, status, c.status)
						continue
					}
					for level, value := range rows {
						want := c.viewer != nil && tlp.CanSee(*c.viewer, tlp.Item{Level: level, ReporterOrgID: orgP.OrgID,
							ReporterAccountID: orgP.ID, Recipients: append([]int64{respP.ID}, named...)})
						if sees := strings.Contains(text, value); sees != want {
							t.Errorf("TLP:%s row, %s, incident%s: sees=%v, want %v", level, c.name, path, sees, want)
						}
					}
				}
			}
		}
		check(nil)
		// The supervisor names themself a recipient: RED reaches them, nobody else.
		if resp, got := doJSON(t, "POST", cu+"/recipients", callers[3].token, "application/json",
			fmt.Sprintf(`{"account":%d}`, supP.ID)); resp.StatusCode != 200 {
			t.Fatalf("name recipient: %d %v", resp.StatusCode, got)
		}
		check([]int64{supP.ID})
	})
}
