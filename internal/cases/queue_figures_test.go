package cases

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestQueueFiguresCountWaitingAndOverdueCases_C41: the figures /metrics exports for the
// SLA alerts count only submitted cases waiting on the Organization (no drafts), call
// one overdue once its deadline has passed, and date the queue by its oldest case.
func TestQueueFiguresCountWaitingAndOverdueCases_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		submittedAt := f.clock.Now()
		f.submitted(t)
		f.clock.Add(26 * time.Hour)
		f.submitted(t)
		f.open(t, f.org, "certify", "application") // a draft: not in the queue
		q, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify"})
		if err != nil || len(q) != 2 {
			t.Fatalf("queue: %d cases, %v", len(q), err)
		}
		first, second := q[0], q[1] // nearest deadline first
		figs, err := QueueFigures(ctx, db, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		got := figs["certify"]
		if got.Waiting != 2 || got.Overdue != 0 || !got.OldestSubmitted.Equal(submittedAt) {
			t.Fatalf("figures now: %+v, want 2 waiting, 0 overdue, oldest submitted %s", got, submittedAt)
		}
		figs, err = QueueFigures(ctx, db, second.DueAt.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if got := figs["certify"]; got.Waiting != 2 || got.Overdue != 2 {
			t.Fatalf("figures after both deadlines: %+v, want 2 overdue", got)
		}
		figs, err = QueueFigures(ctx, db, first.DueAt.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if got := figs["certify"]; !first.DueAt.Before(second.DueAt) || got.Overdue != 1 {
			t.Fatalf("figures after the first deadline only: %+v (deadlines %s, %s)", got, first.DueAt, second.DueAt)
		}
	})
}
