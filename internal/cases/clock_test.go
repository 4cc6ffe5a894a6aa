package cases

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

const businessDay = 7 * 3600

// TestClockPausesWhileReturnedToApplicant_C41: submitted Saturday 07:30, two
// business days with the Organization, returned as incomplete, five calendar days
// with the applicant, resubmitted: only the two days count, and the clock resumes.
func TestClockPausesWhileReturnedToApplicant_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		f.clock.Set(tehranAt(23, 7, 30)) // Monday: Saturday and Sunday worked
		_, err := f.e.ReturnIncomplete(ctx, f.expert, c.TrackingCode, ReturnInput{Items: []Deficiency{
			{Item: "user_manual", Note: "صفحه‌های ۳ تا ۵ ناخواناست"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(tehranAt(28, 7, 30)) // five days later, Saturday
		v, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Clock.Paused || v.Clock.PauseReason != catalog.PauseIncomplete || v.Clock.UsedSeconds != 2*businessDay {
			t.Fatalf("while returned: paused=%v reason=%q used=%d, want paused, incomplete, %d",
				v.Clock.Paused, v.Clock.PauseReason, v.Clock.UsedSeconds, 2*businessDay)
		}
		f.attach(t, f.org, c.TrackingCode, "user_manual")
		if _, err := f.e.Resubmit(ctx, f.org, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Hour)
		v, err = f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.Clock.Paused || v.Clock.UsedSeconds != 2*businessDay+3600 {
			t.Fatalf("after resubmit: paused=%v used=%d, want running with %d", v.Clock.Paused, v.Clock.UsedSeconds, 2*businessDay+3600)
		}
		if v.Clock.BudgetSeconds != 30*businessDay || v.Clock.RemainingDays != 27 || v.Clock.RemainingHours != 6 {
			t.Fatalf("budget %d, remaining %dd %dh; want %d, 27d 6h", v.Clock.BudgetSeconds, v.Clock.RemainingDays,
				v.Clock.RemainingHours, 30*businessDay)
		}
		if len(v.Clock.Pauses) != 1 || v.Clock.Pauses[0].Reason != catalog.PauseIncomplete { // the draft does not count
			t.Fatalf("pauses = %+v, want the incomplete one", v.Clock.Pauses)
		}
		d, err := f.e.Deficiencies(ctx, f.org, c.TrackingCode)
		if err != nil || len(d) != 1 || !d[0].Resolved {
			t.Fatalf("deficiencies = %+v, %v; want one, resolved", d, err)
		}
	})
}

// TestClockSkipsHoliday: a holiday on Sunday does not count (SLA-CLOCK rule 5), and
// the deadline moves past it.
func TestClockSkipsHoliday(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		cal, err := sla.New(sla.Config{DayLength: 7 * time.Hour, Week: sla.NationalWeek(),
			Holidays: []sla.Holiday{{Date: sla.Date{Year: 2026, Month: 11, Day: 22}, NameFa: "تعطیل", NameEn: "Holiday"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.cal = cal
		c := f.submitted(t)
		f.clock.Set(tehranAt(23, 7, 30))
		v, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.Clock.UsedSeconds != businessDay {
			t.Fatalf("used = %d, want one business day (Sunday is a holiday)", v.Clock.UsedSeconds)
		}
		if want := cal.AddWorking(f.clock.Now(), 29*businessDay); !v.Clock.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", v.Clock.DueAt, want)
		}
	})
}

// TestCertIncidentRunsAroundTheClock: a CERT incident's 24-hour budget counts every
// hour, Friday night included (SLA-CLOCK rule 4).
func TestCertIncidentRunsAroundTheClock(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.clock.Set(tehranAt(27, 23, 0)) // Friday 23:00
		c := f.open(t, f.gov, "cert", "incident")
		if _, err := f.e.Submit(ctx, f.gov, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(2 * time.Hour)
		f.move(t, f.responder, c.TrackingCode, "take", "", "")
		f.move(t, f.responder, c.TrackingCode, "ask_information", "", "لاگ‌های فایروال را بفرستید")
		f.clock.Add(10 * time.Hour)
		f.move(t, f.gov, c.TrackingCode, "answer", "", "")
		f.clock.Add(30 * time.Minute)
		v, err := f.e.Get(ctx, f.gov, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.Clock.Business || v.Clock.UsedSeconds != 2*3600+1800 || v.Clock.BudgetSeconds != 24*3600 {
			t.Fatalf("clock = %+v, want 24×7 with 2h30m used of 24h", v.Clock)
		}
		if want := f.clock.Now().Add(21*time.Hour + 30*time.Minute); !v.Clock.DueAt.Equal(want) {
			t.Fatalf("due %v, want %v", v.Clock.DueAt, want)
		}
		f.move(t, f.responder, c.TrackingCode, "resolve", DecisionApprove, "")
		v, err = f.e.Get(ctx, f.gov, c.TrackingCode)
		if err != nil || !v.Clock.Stopped || v.ClosedAt.IsZero() || v.State != "resolved" {
			t.Fatalf("after resolve: %+v, %v", v, err)
		}
	})
}
