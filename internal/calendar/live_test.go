package calendar

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// recorder stands in for the case engine: it counts the recomputes asked of it.
type recorder struct{ reasons []string }

func (r *recorder) RecomputeOpen(_ context.Context, _, reason string) (int, error) {
	r.reasons = append(r.reasons, reason)
	return 0, nil
}

// fixture is a Service on a Live calendar over db, with an admin account.
func fixture(t *testing.T, db *store.DB) (*Service, *recorder, *identity.Principal) {
	t.Helper()
	ctx := context.Background()
	id := fixtures.New(t, db, nil).Admin("root").ID
	live, err := NewLive(ctx, db, sla.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	now := func() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()) }
	return &Service{DB: db, Live: live, Deadlines: rec, Now: now},
		rec, &identity.Principal{Account: identity.Account{ID: id, Kind: identity.KindStaff, Admin: true}}
}

// TestLiveCalendarNoticesAnotherInstancesEdit_SLAClock6: a second Live calendar over
// the same database reloads once the first one's edit bumped the generation, while
// the editing instance's own calendar and the open deadlines follow at once.
func TestLiveCalendarNoticesAnotherInstancesEdit_SLAClock6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, rec, admin := fixture(t, db)
		other, err := NewLive(ctx, db, sla.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if changed, err := other.ReloadIfChanged(ctx); changed || err != nil {
			t.Fatalf("reload without an edit: %v, %v", changed, err)
		}
		h := sla.Holiday{Date: sla.Date{Year: 2026, Month: 11, Day: 22}, NameFa: "تعطیل"}
		if _, err := svc.AddHolidays(ctx, admin, []sla.Holiday{h}, "test"); err != nil {
			t.Fatal(err)
		}
		sunday := time.Date(2026, 11, 22, 9, 0, 0, 0, jalali.Tehran())
		if svc.Live.Calendar().IsOpen(sunday) || len(rec.reasons) != 1 || rec.reasons[0] != "test" {
			t.Fatalf("the editing instance did not reload and recompute (recomputes %q)", rec.reasons)
		}
		if !other.Calendar().IsOpen(sunday) {
			t.Fatal("the other instance saw the edit before checking")
		}
		if changed, err := other.ReloadIfChanged(ctx); !changed || err != nil {
			t.Fatalf("reload after an edit: %v, %v", changed, err)
		}
		if other.Calendar().IsOpen(sunday) {
			t.Fatal("the other instance still counts the holiday as working time")
		}
	})
}

// TestExpertMayNotEditTheCalendar_SLAClock5: only administrators edit the calendar;
// a refused edit stores nothing and recomputes nothing.
func TestExpertMayNotEditTheCalendar_SLAClock5(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc, rec, admin := fixture(t, db)
		expert := &identity.Principal{Account: identity.Account{ID: admin.ID, Kind: identity.KindStaff}}
		h := sla.Holiday{Date: sla.Date{Year: 2026, Month: 11, Day: 22}, NameFa: "تعطیل"}
		if _, err := svc.AddHolidays(ctx, expert, []sla.Holiday{h}, "test"); err == nil {
			t.Fatal("an expert added a holiday")
		}
		week := FormatWeek(sla.NationalWeek())
		if err := svc.SetWorkingWeek(ctx, expert, "07", &week); err == nil {
			t.Fatal("an expert set a working week")
		}
		if hs, err := svc.Holidays(ctx, svc.CurrentJalaliYear()); err != nil || len(hs) != 0 || len(rec.reasons) != 0 {
			t.Fatalf("holidays %+v, recomputes %q, %v", hs, rec.reasons, err)
		}
		if gen, err := Generation(ctx, db); err != nil || gen != 0 {
			t.Fatalf("generation %d, %v", gen, err)
		}
	})
}
