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
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestStatusBannerPerformanceAndAdminOutages_C44(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()) // 30 Aban 1405
		clock := func() time.Time { return now }
		adminID := fixtures.New(t, db, nil).Admin("root").ID
		list := func(context.Context) ([]*catalog.Service, error) { return svcs, nil }
		o := &outages.Service{DB: db, Services: list, Now: clock}
		s := &Server{Log: slog.New(slog.DiscardHandler), Services: list, Banner: o.Banner, Outages: o,
			Cases: &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Now: clock}}
		withDomain(s, db)
		if err := s.Init(); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		s.Routes(mux)
		cp := &casePages{t: t, h: mux}
		admin := &identity.Principal{Account: identity.Account{ID: adminID, Kind: identity.KindStaff, Admin: true}}
		expert := &identity.Principal{Account: identity.Account{ID: adminID, Kind: identity.KindStaff},
			Grants: map[string][]identity.Role{"certify": {identity.Expert}}}

		if w := cp.do(expert, "GET", "/admin/outages", "", nil); w.Code != http.StatusForbidden {
			t.Fatalf("expert sees /admin/outages: %d", w.Code)
		}
		w := cp.post(admin, "/admin/outages", url.Values{"kind": {"planned"}, "start": {"۱۴۰۵-۰۸-۳۰ ۰۸:۰۰"},
			"end": {"1405-08-30 10:00"}, "notice_fa": {"نگهداری"}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "پیش از شروع") {
			t.Fatalf("planned in the past: %d", w.Code)
		}
		w = cp.post(admin, "/admin/outages", url.Values{"kind": {"unplanned"}, "services": {"certify"},
			"start": {"1405-08-30 08:30"}, "notice_fa": {"سامانه صدور گواهی از دسترس خارج است"}, "notice_en": {"Certification is down"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		// The banner is on every page, the status page included, in the reader's language.
		for _, path := range []string{"/", "/status", "/services/certify/performance?period=1405-08"} {
			w = cp.do(nil, "GET", path, "", nil)
			if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `<div class="banner" role="status">سامانه صدور گواهی از دسترس خارج است</div>`) {
				t.Fatalf("%s: %d, banner missing", path, w.Code)
			}
		}
		w = cp.do(nil, "GET", "/status", "", nil)
		if !strings.Contains(w.Body.String(), `data-state="outage"`) || !strings.Contains(w.Body.String(), `data-state="operational"`) {
			t.Fatalf("status page lacks the service states")
		}
		// Issue 13: the summary names the service that is down, not the whole desk.
		if b := w.Body.String(); !strings.Contains(b, `data-service="certify"`) ||
			strings.Contains(b, `data-service="cert"`) || !strings.Contains(b, "خدماتی که اکنون مشکل دارند") {
			t.Fatalf("status summary does not name the affected service: %s", b)
		}
		w = cp.do(nil, "GET", "/services/certify/performance?period=1405-08", "", nil)
		if !strings.Contains(w.Body.String(), `id="kpi-availability"`) || !strings.Contains(w.Body.String(), "۳۰") {
			t.Fatalf("performance page: %s", w.Body)
		}
		// Issue 13: a KPI without data says so instead of showing ۰.
		if !strings.Contains(w.Body.String(), "هنوز داده‌ای نیست") {
			t.Fatalf("performance page without data shows no 'no data yet'")
		}
		if w = cp.do(nil, "GET", "/services/certify/performance?period=1405-Q9", "", nil); w.Code != http.StatusBadRequest ||
			!strings.Contains(w.Body.String(), "معتبر نیست") {
			t.Fatalf("bad period: %d", w.Code)
		}
		st, err := o.Status(ctx)
		if err != nil || len(st.Current) != 1 {
			t.Fatalf("status = %+v %v", st, err)
		}
		// The current outage stands in the current section of both pages; only the
		// administrator's offers to end it.
		endForm := `action="/admin/outages/` + itoa(st.Current[0].ID) + `/end"`
		if b := cp.do(admin, "GET", "/admin/outages", "", nil).Body.String(); !strings.Contains(b, `id="admin-current"`) ||
			!strings.Contains(b, endForm) || strings.Index(b, endForm) > strings.Index(b, `id="admin-upcoming"`) {
			t.Fatalf("admin page: no end-now form in the current section: %s", b)
		}
		if b := cp.do(nil, "GET", "/status", "", nil).Body.String(); !strings.Contains(b, `id="status-current"`) ||
			!strings.Contains(b, "Certification is down") && !strings.Contains(b, "سامانه صدور گواهی از دسترس خارج است</td>") ||
			strings.Contains(b, endForm) {
			t.Fatalf("status page: current section wrong: %s", b)
		}
		if w = cp.post(admin, "/admin/outages/"+itoa(st.Current[0].ID)+"/end", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("end: %d", w.Code)
		}
		// Ended, it moves to the history, where nothing offers to end it again.
		if b := cp.do(admin, "GET", "/admin/outages", "", nil).Body.String(); !strings.Contains(b, `id="admin-history"`) ||
			strings.Contains(b, endForm) {
			t.Fatalf("admin page after the end still offers to end it: %s", b)
		}
		if w = cp.do(nil, "GET", "/", "", nil); strings.Contains(w.Body.String(), `class="banner"`) {
			t.Fatal("banner after the end")
		}
	})
}
