package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// newDeskPages is the case pages with a desk, and a supervisor of certify.
func newDeskPages(t *testing.T, db *store.DB) (*casePages, *identity.Principal) {
	t.Helper()
	cp := newCasePages(t, db)
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	sup := fixtures.New(t, db, nil).Staff("sup", map[string][]identity.Role{"certify": {identity.Supervisor}})
	now := func() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, jalali.Tehran()) }
	cat := cases.StaticCatalog(svcs)
	s := &Server{Log: slog.New(slog.DiscardHandler), Services: func(context.Context) ([]*catalog.Service, error) { return svcs, nil },
		Cases: &cases.Engine{DB: db, Catalog: cat, Now: now}, Desk: &desk.Service{DB: db, Catalog: cat, Now: now}}
	withDomain(s, db)
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Routes(mux)
	cp.h = mux
	return cp, sup
}

// The case page shows visits used of the published maximum and the questions about
// the case; a visit beyond it needs the supervisor's reason; after close, the
// applicant rates the case once (C-4.7, C-4.8, C-4.9).
func TestCasePageQuestionsVisitsFeedback_C47_C48_C49(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp, sup := newDeskPages(t, db)
		w := cp.post(cp.org, "/cases", url.Values{"kind": {"certify/application"}})
		casePath := w.Header().Get("Location")
		code := strings.TrimPrefix(casePath, "/cases/")
		w = cp.post(cp.org, "/questions", url.Values{"case": {code}, "body": {"درخواست ما کی بررسی می‌شود؟"}})
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), casePath) {
			t.Fatalf("ask from the case page: %d %s", w.Code, w.Body)
		}
		w = cp.do(cp.org, "GET", casePath, "", nil)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, `id="visits-used"`) || !strings.Contains(body, "۰ از ۰") ||
			!strings.Contains(body, "درخواست ما کی بررسی می‌شود؟") || strings.Contains(body, `id="record-visit"`) {
			t.Fatalf("applicant's case page: %d %s", w.Code, body)
		}
		w = cp.post(cp.expert, casePath+"/visits", url.Values{"date": {"2026-11-24"}, "reason": {"تحویل"}})
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "سرپرست") {
			t.Fatalf("expert beyond the maximum: %d", w.Code)
		}
		w = cp.post(sup, casePath+"/visits", url.Values{"date": {"2026-11-24"}, "reason": {"تحویل"}, "override_reason": {"آزمون در محل"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("supervisor with a reason: %d %s", w.Code, w.Body)
		}
		if body = cp.do(cp.expert, "GET", casePath, "", nil).Body.String(); !strings.Contains(body, "۱ از ۰") || !strings.Contains(body, `id="record-visit"`) {
			t.Fatalf("staff case page after the visit: %s", body)
		}
		if body = cp.do(cp.expert, "GET", "/questions?service=certify", "", nil).Body.String(); !strings.Contains(body, code) {
			t.Fatalf("staff questions list: %s", body)
		}
		if w = cp.post(cp.org, casePath+"/feedback", url.Values{"service_rating": {"5"}, "courtesy_rating": {"5"}}); w.Code != http.StatusConflict {
			t.Fatalf("feedback before close: %d", w.Code)
		}
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), "UPDATE cases SET closed_at = 1, holder = 'none' WHERE tracking_code = ?", code)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if body = cp.do(cp.org, "GET", casePath, "", nil).Body.String(); !strings.Contains(body, `id="send-feedback"`) {
			t.Fatalf("no feedback form after close: %s", body)
		}
		if w = cp.post(cp.org, casePath+"/feedback", url.Values{"service_rating": {"6"}, "courtesy_rating": {"5"}}); w.Code != http.StatusBadRequest {
			t.Fatalf("rating 6: %d", w.Code)
		}
		if w = cp.post(cp.org, casePath+"/feedback", url.Values{"service_rating": {"4"}, "courtesy_rating": {"5"}, "comment": {"سپاس"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("feedback: %d %s", w.Code, w.Body)
		}
		if body = cp.do(cp.org, "GET", casePath, "", nil).Body.String(); strings.Contains(body, `id="send-feedback"`) {
			t.Fatalf("feedback form offered twice")
		}
		if w = cp.do(sup, "GET", "/feedback?service=certify", "", nil); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "سپاس") {
			t.Fatalf("supervisor's summary: %d %s", w.Code, w.Body)
		}
		if w = cp.do(cp.expert, "GET", "/feedback?service=certify", "", nil); w.Code != http.StatusForbidden {
			t.Fatalf("expert's summary: %d", w.Code)
		}
	})
}
