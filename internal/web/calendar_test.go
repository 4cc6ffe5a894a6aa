package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestAdminCalendarPage_SLAClock5: an admin adds, imports and deletes holidays and
// gives a province a Thursday-closed week on /admin/calendar; an expert may not; a
// bad import names its line and stores nothing (SLA-CLOCK rules 5, 6).
func TestAdminCalendarPage_SLAClock5(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		clock := func() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()) } // 1405
		adminID := fixtures.New(t, db, nil).Admin("root").ID
		live, err := calendar.NewLive(ctx, db, sla.Config{})
		if err != nil {
			t.Fatal(err)
		}
		list := func(context.Context) ([]*catalog.Service, error) { return svcs, nil }
		engine := &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Now: clock, Calendar: live.Calendar}
		s := &Server{Log: slog.New(slog.DiscardHandler), Services: list, Cases: engine,
			Calendar: &calendar.Service{DB: db, Live: live, Deadlines: engine, Now: clock}}
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

		if w := cp.do(expert, "GET", "/admin/calendar", "", nil); w.Code != http.StatusForbidden {
			t.Fatalf("expert sees /admin/calendar: %d", w.Code)
		}
		if w := cp.post(admin, "/admin/calendar/holidays", url.Values{"date": {"۱۴۰۵-۰۹-۰۲"}, "name_fa": {"آلودگی هوا"},
			"span": {"part"}, "from": {"10:00"}, "to": {"14:30"}, "province": {"23"}, "year": {"1405"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("add: %d %s", w.Code, w.Body)
		}
		w := cp.post(admin, "/admin/calendar/import", url.Values{"csv": {"1405-01-01,نوروز,Nowruz\nbad\n"}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "سطر ۲") {
			t.Fatalf("bad import: %d", w.Code)
		}
		if w := cp.post(admin, "/admin/calendar/import", url.Values{"csv": {"1405-01-01,نوروز,Nowruz\n"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("import: %d %s", w.Code, w.Body)
		}
		week := url.Values{"province": {"07"}}
		for i, d := range calendar.FormatWeek(sla.NationalWeek()) {
			week.Set("day"+string(rune('0'+i)), d)
		}
		if w := cp.post(admin, "/admin/calendar/weeks", week); w.Code != http.StatusSeeOther {
			t.Fatalf("province week: %d %s", w.Code, w.Body)
		}
		hs, err := s.Calendar.Holidays(ctx, 1405)
		if err != nil || len(hs) != 2 || hs[1].From != "10:00" || hs[1].Province != "23" {
			t.Fatalf("holidays = %+v, %v", hs, err)
		}
		page := cp.do(admin, "GET", "/admin/calendar?year=1405", "", nil)
		for _, want := range []string{"آلودگی هوا", "نوروز", `data-province="07"`, "۱۴۰۵-۰۹-۰۲", "حذف این تعطیلی"} { // Jalali in Persian digits; delete asks first
			if !strings.Contains(page.Body.String(), want) {
				t.Fatalf("/admin/calendar lacks %q", want)
			}
		}
		if w := cp.post(admin, "/admin/calendar/holidays/"+itoa(hs[0].ID)+"/delete", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("delete: %d", w.Code)
		}
		if hs, _ := s.Calendar.Holidays(ctx, 1405); len(hs) != 1 {
			t.Fatalf("%d holidays after a delete, want 1", len(hs))
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
