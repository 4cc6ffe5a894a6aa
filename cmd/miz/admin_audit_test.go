package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/demo"
)

// TestAdminIndexAndAuditViewer_13: /admin lists the administrator's tools; the audit
// log is found by actor and action with the actor's username shown, a bad day is
// refused on the filter form itself, and the chain check reports an intact chain. An
// applicant has no administration.
func TestAdminIndexAndAuditViewer_13(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	fc := adminClient(t, m)
	status, page, _ := fc.get("/admin")
	for _, href := range []string{"/admin/accounts", "/admin/services", "/admin/calendar", "/admin/outages", "/admin/audit"} {
		if !strings.Contains(page, `href="`+href+`"`) {
			t.Errorf("/admin (%d) lacks %s", status, href)
		}
	}
	status, page, _ = fc.get("/admin/audit?actor=demo-admin&action=auth.")
	if status != 200 || !strings.Contains(page, `<bdi dir="ltr">demo-admin</bdi>`) || !strings.Contains(page, "auth.login") {
		t.Fatalf("audit log by actor: %d\n%s", status, page)
	}
	if strings.Contains(page, "<code>case.") {
		t.Error("the action filter let other actions through")
	}
	status, page, _ = fc.get("/admin/audit?from=1405-99-99")
	if status != http.StatusBadRequest || !strings.Contains(page, `id="from-error"`) || !strings.Contains(page, `id="audit-filter"`) {
		t.Errorf("bad day: %d, want 400 with the error on the filter form", status)
	}
	status, page, _ = fc.get("/admin/audit?actor=nobody-here")
	if status != http.StatusBadRequest || !strings.Contains(page, `id="actor-error"`) {
		t.Errorf("unknown actor: %d", status)
	}
	status, page, _ = fc.post("/admin/audit/verify", url.Values{})
	if status != 200 || !strings.Contains(page, `id="chain-ok"`) {
		i := strings.Index(page, `id="chain-status"`)
		t.Errorf("chain check: %d, no intact-chain report: %s", status, page[max(i, 0):min(len(page), max(i, 0)+1500)])
	}

	app := newFormClient(t, m.URL(), nil)
	if s, _, _ := app.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}}); s != http.StatusSeeOther {
		t.Fatalf("applicant login: %d", s)
	}
	for _, path := range []string{"/admin", "/admin/audit"} {
		if s, _, _ := app.get(path); s != http.StatusForbidden {
			t.Errorf("applicant on %s: %d, want 403", path, s)
		}
	}
}
