package jobs_test

import (
	"context"
	"encoding/json"
	"strings"
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

// The claim takes due jobs in run_at order whether they are ready (queued or failed)
// or running with an expired lease, one at a time here (Workers 1), and leaves a job
// that is not due (issue 18: SQLite's claim merges the two kinds from their indexes).
func TestClaimOrderMergesReadyAndExpiredLeases_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock(db)
		now := clk.Now()
		var order []string
		r := jobs.NewRunner(db, nil, jobs.Options{Workers: 1})
		r.Handle("k", func(ctx context.Context, j jobs.Job) error {
			var name string
			if err := json.Unmarshal(j.Payload, &name); err != nil {
				return err
			}
			order = append(order, name)
			return nil
		})
		enqueue(t, db, "k", "a", jobs.At(now.Add(-3*time.Hour)))
		enqueue(t, db, "k", "b", jobs.At(now.Add(-time.Hour)))
		c := enqueue(t, db, "k", "c", jobs.At(now.Add(-2*time.Hour)))
		enqueue(t, db, "k", "d", jobs.At(now.Add(time.Hour)))
		err := db.Update(ctx, func(tx *store.Tx) error { // c: claimed by an instance that died
			_, err := tx.Exec(ctx, "UPDATE jobs SET state = 'running', attempt = 1, locked_by = 'gone', locked_until = ? WHERE id = ?",
				store.Millis(now.Add(-time.Minute)), c)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		runDue(t, r, 3)
		if got := strings.Join(order, ","); got != "a,c,b" {
			t.Fatalf("claim order %s, want a,c,b", got)
		}
	})
}
