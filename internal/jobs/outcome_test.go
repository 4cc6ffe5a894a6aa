package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// A write that a handler registers with OnOutcome commits in the transaction that
// records the job's outcome, sees that outcome, and costs no write call of its own
// (issue 18). Outside a running handler OnOutcome refuses.
func TestOutcomeWriteCommitsWithTheJobsRecord_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		var seen []jobs.Outcome
		r.Handle("first", func(ctx context.Context, j jobs.Job) error {
			ok := jobs.OnOutcome(ctx, func(ctx context.Context, tx *store.Tx, o jobs.Outcome) error {
				seen = append(seen, o)
				_, err := jobs.Enqueue(ctx, tx, "second", nil)
				return err
			})
			if !ok {
				t.Error("OnOutcome refused inside a handler")
			}
			return nil
		})
		var c counter
		r.Handle("second", func(_ context.Context, j jobs.Job) error { c.add(j.ID); return nil })
		if jobs.OnOutcome(context.Background(), nil) {
			t.Fatal("OnOutcome accepted outside a handler")
		}
		id := enqueue(t, db, "first", nil)
		_, before := db.GroupCommitStats()
		claimed, err := r.RunDue(context.Background())
		if err != nil || claimed != 2 {
			t.Fatalf("RunDue ran %d (%v), want first and the second it enqueued", claimed, err)
		}
		// Two claims (first, then second) and two records; no call for the write.
		if _, after := db.GroupCommitStats(); db.Dialect == store.SQLite && after-before != 4 {
			t.Fatalf("%d write calls, want 4", after-before)
		}
		if len(seen) != 1 || seen[0] != (jobs.Outcome{State: jobs.StateDone, Held: true}) || len(c.runs) != 1 {
			t.Fatalf("outcomes seen %+v, second ran %v", seen, c.runs)
		}
		if row := readJob(t, db, id); row.State != jobs.StateDone {
			t.Fatalf("first: %+v", row)
		}
	})
}

// When the outcome's transaction fails because of the handler's write, nothing of it
// is stored (not the write's other statements, not the job's done), and the job is
// recorded as failed with the reason and retried after its backoff, as if the handler
// had returned the error (issue 18).
func TestFailingOutcomeWriteRetriesTheJob_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now,
			Backoff: func(int) time.Duration { return 5 * time.Minute }})
		fail := true
		var seen []jobs.Outcome
		r.Handle("first", func(ctx context.Context, j jobs.Job) error {
			jobs.OnOutcome(ctx, func(ctx context.Context, tx *store.Tx, o jobs.Outcome) error {
				seen = append(seen, o)
				if _, err := jobs.Enqueue(ctx, tx, "second", nil); err != nil {
					return err
				}
				if fail {
					return errors.New("the write failed")
				}
				return nil
			})
			return nil
		})
		var c counter
		r.Handle("second", func(_ context.Context, j jobs.Job) error { c.add(j.ID); return nil })
		id := enqueue(t, db, "first", nil)
		runDue(t, r, 1) // second was rolled back with the record
		row := readJob(t, db, id)
		if row.State != jobs.StateFailed || row.Attempt != 1 || !strings.Contains(row.LastError, "the write failed") ||
			!row.RunAt.Equal(clk.Now().Add(5*time.Minute)) {
			t.Fatalf("after the failed write: %+v", row)
		}
		fail = false
		clk.Add(5 * time.Minute)
		runDue(t, r, 2)
		if row := readJob(t, db, id); row.State != jobs.StateDone || row.Attempt != 2 || len(c.runs) != 1 {
			t.Fatalf("after the retry: %+v, second ran %v", row, c.runs)
		}
		if len(seen) < 2 || seen[len(seen)-1] != (jobs.Outcome{State: jobs.StateDone, Held: true}) {
			t.Fatalf("outcomes seen %+v", seen)
		}
	})
}
