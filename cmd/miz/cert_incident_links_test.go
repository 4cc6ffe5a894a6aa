package main

import (
	"strings"
	"testing"

	"github.com/itoir/miz/internal/demo"
)

// TestIncidentPageLinksDispatchConsentAndReportsForThoseWhoMayUseThem_M44: the
// incident page links the case's dispatch, consent and technical-report pages to
// the reporting organisation and the CERT supervisor, each link opening its page;
// a reader whom a page would refuse is not shown its link (each link is offered
// only when that page's own use case lets the reader in).
func TestIncidentPageLinksDispatchConsentAndReportsForThoseWhoMayUseThem_M44(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		token := apiLogin(t, m, demo.OrgNationalID, "")
		resp, got := doJSON(t, "POST", m.URL()+"/api/v1/cert/incidents", token, "application/json",
			`{"form":{"summary":"defaced web site","tlp":"amber"}}`)
		if resp.StatusCode != 201 {
			t.Fatalf("report: %d %v", resp.StatusCode, got)
		}
		code := got["tracking_code"].(string)
		links := map[string]string{"dispatch": "/cases/" + code + "/dispatch", "consent": "/cases/" + code + "/consent",
			"reports": "/cases/" + code + "/reports"}
		for _, who := range []string{demo.OrgNationalID, "demo-supervisor"} {
			fc := certWebLogin(t, m, who)
			status, page, _ := fc.get("/cases/" + code + "/incident")
			if status != 200 || !strings.Contains(page, `id="incident-links"`) {
				t.Fatalf("%s: incident page %d without its links", who, status)
			}
			for id, path := range links {
				if !strings.Contains(page, `href="`+path+`" id="incident-link-`+id+`"`) {
					t.Fatalf("%s: no link to %s", who, path)
				}
				if status, _, _ := fc.get(path); status != 200 {
					t.Fatalf("%s: %s answers %d", who, path, status)
				}
			}
		}
		// The administrator, who works no CERT service, may open none of these pages
		// and is shown none of their links.
		admin := certWebLogin(t, m, "demo-admin")
		if status, page, _ := admin.get("/cases/" + code + "/incident"); status != 404 || strings.Contains(page, "incident-link-") {
			t.Fatalf("admin incident page: %d", status)
		}
		for _, path := range links {
			if status, _, _ := admin.get(path); status != 404 {
				t.Fatalf("admin %s: %d", path, status)
			}
		}
	})
}
