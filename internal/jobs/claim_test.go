package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// A claim that finds nothing due looks in a read transaction and writes nothing: each
// intake submission used to cost the single writer an empty claim's commit (issue 18).
// The job still runs once it is due, and a due job is claimed at once.
func TestClaimWithNothingDueDoesNotWrite_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Workers: 2})
		ran := 0
		r.Handle("later", func(ctx context.Context, j jobs.Job) error { ran++; return nil })
		id := enqueue(t, db, "later", nil, jobs.At(clk.Now().Add(time.Hour)))
		_, before := db.GroupCommitStats()
		for i := 0; i < 5; i++ {
			runDue(t, r, 0)
		}
		if _, after := db.GroupCommitStats(); after != before {
			t.Fatalf("empty claims made %d write calls, want 0", after-before)
		}
		if row := readJob(t, db, id); row.State != jobs.StateQueued || row.Attempt != 0 {
			t.Fatalf("job touched by empty claims: %+v", row)
		}
		clk.Add(time.Hour)
		runDue(t, r, 1)
		if row := readJob(t, db, id); row.State != jobs.StateDone || row.Attempt != 1 || ran != 1 {
			t.Fatalf("due job after the probe: %+v ran %d", row, ran)
		}
	})
}
