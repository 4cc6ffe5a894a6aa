package cases

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestHolidayAddedLaterMovesOpenDeadlines_SLAClock6: an announced holiday, added
// after submission, is taken out of the used time and moves the cached deadline.
func TestHolidayAddedLaterMovesOpenDeadlines_SLAClock6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		f.clock.Set(tehranAt(23, 7, 30))
		before, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil || before.Clock.UsedSeconds != 2*businessDay {
			t.Fatalf("before: %+v, %v", before, err)
		}
		if err := calendar.AddHoliday(ctx, db, "account:1", sla.Holiday{Date: sla.Date{Year: 2026, Month: 11, Day: 22}, NameFa: "تعطیل اعلام‌شده"}); err != nil {
			t.Fatal(err)
		}
		cal, err := calendar.Load(ctx, db, sla.Config{})
		if err != nil {
			t.Fatal(err)
		}
		f.cal = cal
		n, err := f.e.RecomputeOpen(ctx, "account:1", "holiday 2026-11-22 announced")
		if err != nil || n != 1 {
			t.Fatalf("recomputed %d, %v", n, err)
		}
		after, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil || after.Clock.UsedSeconds != businessDay {
			t.Fatalf("after: used %d, %v; want one business day", after.Clock.UsedSeconds, err)
		}
		q, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify"})
		if err != nil || len(q) != 1 || !q[0].DueAt.Equal(after.Clock.DueAt) || !q[0].DueAt.After(before.Clock.DueAt) {
			t.Fatalf("cached deadline %v, want %v (later than %v)", q[0].DueAt, after.Clock.DueAt, before.Clock.DueAt)
		}
	})
}
