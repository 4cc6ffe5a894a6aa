package cases

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestWarningsAndBreachAreDurableJobs_SLAClock7: submitting a 24-hour CERT incident
// schedules warnings at 75% and 90% and the breach as jobs; after the case changes
// state the old jobs are stale and do nothing, and a job that stands is audited.
func TestWarningsAndBreachAreDurableJobs_SLAClock7(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.e.Timers = JobTimers{}
		c := f.open(t, f.gov, "cert", "incident")
		if _, err := f.e.Submit(ctx, f.gov, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		var runAt []int64
		err := db.View(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, "SELECT run_at FROM jobs WHERE kind = ? ORDER BY run_at", MilestoneJob)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var at int64
				if err := rows.Scan(&at); err != nil {
					return err
				}
				runAt = append(runAt, at)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		start := f.clock.Now()
		want := []time.Time{start.Add(18 * time.Hour), start.Add(21*time.Hour + 36*time.Minute), start.Add(24 * time.Hour)}
		if len(runAt) != 3 {
			t.Fatalf("jobs at %v, want %v", runAt, want)
		}
		for i := range want {
			if runAt[i] != store.Millis(want[i]) {
				t.Fatalf("job %d at %v, want %v", i, store.FromMillis(runAt[i]), want[i])
			}
		}
		var mu sync.Mutex
		var fired []Milestone
		r := jobs.NewRunner(db, nil, jobs.Options{})
		r.Handle(MilestoneJob, f.e.HandleMilestone(func(_ context.Context, _ *store.Tx, m Milestone) error {
			mu.Lock()
			defer mu.Unlock()
			fired = append(fired, m)
			return nil
		}))
		f.clock.Add(25 * time.Hour)
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(fired) != 3 || !fired[2].Breach {
			t.Fatalf("fired = %+v, want two warnings and the breach", fired)
		}
	})
}
