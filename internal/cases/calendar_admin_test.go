package cases

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// liveFixture is the fixture on a live calendar read from the database, the
// calendar administration wired to recompute the fixture's cases, and an admin.
func liveFixture(t *testing.T, db *store.DB) (*fixture, *calendar.Live, *calendar.Service, *identity.Principal) {
	t.Helper()
	f := newFixture(t, db)
	live, err := calendar.NewLive(context.Background(), db, sla.Config{})
	if err != nil {
		t.Fatal(err)
	}
	f.e.Calendar, f.e.Timers = live.Calendar, JobTimers{}
	svc := &calendar.Service{DB: db, Live: live, Deadlines: f.e, Now: f.clock.Now}
	admin := &identity.Principal{Account: identity.Account{ID: f.supervisor.ID, Kind: identity.KindStaff, Admin: true}}
	return f, live, svc, admin
}

func breachRunAt(t *testing.T, db *store.DB, code string) time.Time {
	t.Helper()
	ctx := context.Background()
	var at int64
	err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT run_at FROM jobs WHERE kind = ? AND state = 'queued' AND unique_key LIKE ? ORDER BY run_at DESC LIMIT 1`,
			MilestoneJob, "cases:sla:"+code+":1:%").Scan(&at)
	})
	if err != nil {
		t.Fatal(err)
	}
	return store.FromMillis(at)
}

func auditCount(t *testing.T, db *store.DB, action string) int {
	t.Helper()
	ctx := context.Background()
	var n int
	if err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestThursdayClosedProvinceCountsNoThursday_C41: the nation opens on Thursday
// mornings, one province does not; a company from that province gets a later
// deadline than a person with no province, on the same budget (SLA-CLOCK rule 5).
func TestThursdayClosedProvinceCountsNoThursday_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, live, svc, admin := liveFixture(t, db)
		national := calendar.FormatWeek(sla.NationalWeek())
		national[time.Thursday] = "07:30-12:30"
		if err := svc.SetWorkingWeek(ctx, admin, "", &national); err != nil {
			t.Fatal(err)
		}
		closed := calendar.FormatWeek(sla.NationalWeek())
		if err := svc.SetWorkingWeek(ctx, admin, "07", &closed); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetWorkingWeek(ctx, f.expert, "08", &closed); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("expert sets a week: %v, want forbidden", err)
		}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE organizations SET province = '07' WHERE id = ?`, f.org.OrgID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		company := f.submitted(t)
		view, err := f.e.Get(ctx, f.org, company.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		start := f.clock.Now()
		want := live.Calendar().ForProvince("07").AddWorking(start, view.Clock.BudgetSeconds)
		if !view.Clock.DueAt.Equal(want) {
			t.Fatalf("province 07 due %v, want %v", view.Clock.DueAt, want)
		}
		if nat := live.Calendar().AddWorking(start, view.Clock.BudgetSeconds); !nat.Before(want) {
			t.Fatalf("national due %v is not before the Thursday-closed province's %v", nat, want)
		}
		weeks, err := svc.WorkingWeeks(ctx)
		if err != nil || len(weeks) != 2 || weeks[0].Days[time.Thursday] != "07:30-12:30" || weeks[1].Province != "07" || weeks[1].Days[time.Thursday] != "" {
			t.Fatalf("weeks = %+v, %v", weeks, err)
		}
	})
}

// TestHolidayEditMovesDeadlineAndPendingJobs_SLAClock6: adding a holiday before an
// open case's deadline moves the deadline and its pending breach job a working day
// later and says so in the audit log; deleting it moves them back; an import with a
// bad line stores nothing.
func TestHolidayEditMovesDeadlineAndPendingJobs_SLAClock6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f, _, svc, admin := liveFixture(t, db)
		c := f.submitted(t)
		before, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		due := before.Clock.DueAt
		if !breachRunAt(t, db, c.TrackingCode).Equal(due) {
			t.Fatalf("breach job at %v, want %v", breachRunAt(t, db, c.TrackingCode), due)
		}
		// Monday 1405-09-02 (2026-11-23), two days after submission, becomes a holiday.
		n, err := svc.ImportHolidays(ctx, admin, strings.NewReader("date,name_fa,name_en\n1405-09-02,تعطیل,Closure\n"))
		if err != nil || n != 1 {
			t.Fatalf("import: %d, %v", n, err)
		}
		after, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if after.Clock.DueAt.Sub(due) < 24*time.Hour {
			t.Fatalf("due %v after the holiday, was %v: not a working day later", after.Clock.DueAt, due)
		}
		if got := breachRunAt(t, db, c.TrackingCode); !got.Equal(after.Clock.DueAt) {
			t.Fatalf("breach job at %v, want the new deadline %v", got, after.Clock.DueAt)
		}
		if auditCount(t, db, "case.clocks_recomputed") != 1 || auditCount(t, db, "calendar.holiday_added") != 1 {
			t.Fatal("the holiday and the recompute are not both in the audit log")
		}
		list, err := svc.Holidays(ctx, 1405)
		if err != nil || len(list) != 1 || list[0].Jalali != "1405-09-02" || list[0].Date != "2026-11-23" {
			t.Fatalf("holidays of 1405 = %+v, %v", list, err)
		}
		_, err = svc.ImportHolidays(ctx, admin, strings.NewReader("1405-09-03,الف,A\n1405-13-01,ب,B\n"))
		if pe := problem.As(err); pe.Code != problem.Invalid || pe.Key != "calendar.import.line" || pe.Args[0] != 2 {
			t.Fatalf("bad import: %v", err)
		}
		if _, err := svc.ImportHolidays(ctx, admin, strings.NewReader("1405-09-02,تعطیل,Closure\n")); problem.As(err).Code != problem.Conflict {
			t.Fatalf("duplicate import: %v", err)
		}
		if list, _ := svc.Holidays(ctx, 1405); len(list) != 1 {
			t.Fatalf("a failed import stored %d holidays", len(list)-1)
		}
		if err := svc.DeleteHoliday(ctx, admin, list[0].ID); err != nil {
			t.Fatal(err)
		}
		back, _ := f.e.Get(ctx, f.org, c.TrackingCode)
		if !back.Clock.DueAt.Equal(due) || !breachRunAt(t, db, c.TrackingCode).Equal(due) {
			t.Fatalf("after deleting the holiday due %v, job %v, want %v", back.Clock.DueAt, breachRunAt(t, db, c.TrackingCode), due)
		}
	})
}
