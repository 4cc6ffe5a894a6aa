package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/i18n"
)

// TestCERTQueueShowsIncidentSeverity_Issue13: the generic queue of the CERT's
// service shows each incident's triaged severity by name (an untriaged one says
// so) and links the triage queue (the signed-in staff member reads English); another service's queue has no such column.
func TestCERTQueueShowsIncidentSeverity_Issue13(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		org := apiLogin(t, m, demo.OrgNationalID, "")
		report := func(summary string) string {
			resp, got := doJSON(t, "POST", m.URL()+"/api/v1/cert/incidents", org, "application/json",
				`{"form":{"summary":"`+summary+`","tlp":"amber"}}`)
			if resp.StatusCode != 201 {
				t.Fatalf("report: %d %v", resp.StatusCode, got)
			}
			return got["tracking_code"].(string)
		}
		triaged, waiting := report("ransomware"), report("phishing mail")
		if err := m.Incidents.Triage(context.Background(), principalOf(t, m, "demo-responder"), triaged,
			"intrusions", "system-compromise", "critical"); err != nil {
			t.Fatal(err)
		}
		sup := certWebLogin(t, m, "demo-supervisor")
		status, page, _ := sup.get("/queue?service=cert")
		if status != 200 || !strings.Contains(page, `id="queue-triage-link"`) || !strings.Contains(page, `href="/cert/queue"`) {
			t.Fatalf("CERT queue: %d without the triage queue link", status)
		}
		severity := func(code string) string {
			row := regexp.MustCompile(`(?s)<tr data-code="` + regexp.QuoteMeta(code) + `">.*?</tr>`).FindString(page)
			cell := regexp.MustCompile(`(?s)<td class="severity">(.*?)</td>`).FindStringSubmatch(row)
			if cell == nil {
				t.Fatalf("no severity cell for %s", code)
			}
			return cell[1]
		}
		if got := severity(triaged); !strings.Contains(got, i18n.T(i18n.En, "cert.severity.critical")) || !strings.Contains(got, "sev-critical") {
			t.Fatalf("triaged incident's severity: %q", got)
		}
		if got := severity(waiting); !strings.Contains(got, i18n.T(i18n.En, "cert.queue.untriaged")) {
			t.Fatalf("untriaged incident's severity: %q", got)
		}
		if _, page, _ := sup.get("/queue?service=certify"); strings.Contains(page, `class="severity"`) || strings.Contains(page, `id="queue-triage-link"`) {
			t.Fatal("another service's queue shows incident severity")
		}
	})
}
