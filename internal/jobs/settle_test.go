package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// runUntilDone runs r until every job of kind is done, then stops it and returns the
// write calls SQLite's writer counted meanwhile (0 on PostgreSQL).
func runUntilDone(t *testing.T, db *store.DB, r *jobs.Runner, kind string, n int) int64 {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, before := db.GroupCommitStats()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	waitFor(t, "all jobs done", func() bool {
		st, err := jobs.Stats(context.Background(), db)
		return err == nil && st[kind][jobs.StateDone] == n
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_, after := db.GroupCommitStats()
	return after - before
}

// Run records a finished job's outcome in the transaction that claims the next due
// one: with one worker, n jobs cost n+1 write calls (a first claim, then an outcome
// and a claim per turn, the last outcome alone) where a claim and a record of their
// own cost 2n (issue 18).
func TestRunRecordsAnOutcomeWithTheNextClaim_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Workers: 1, Poll: time.Hour, Now: clk.Now})
		var c counter
		r.Handle("step", func(_ context.Context, j jobs.Job) error { c.add(j.ID); return nil })
		const n = 5
		var ids []int64
		for i := range n {
			ids = append(ids, enqueue(t, db, "step", i))
		}
		calls := runUntilDone(t, db, r, "step", n)
		if db.Dialect == store.SQLite && calls != n+1 {
			t.Fatalf("%d jobs made %d write calls, want %d", n, calls, n+1)
		}
		for _, id := range ids {
			if row := readJob(t, db, id); row.State != jobs.StateDone || row.Attempt != 1 || c.get(id) != 1 {
				t.Fatalf("job %d: %+v, ran %d times", id, row, c.get(id))
			}
		}
	})
}

// When a turn's shared transaction fails because one handler's write failed, none of
// it is stored: that outcome is recorded again alone, and when its write fails there
// too, the job is recorded failed and retried; the claim that shared the transaction
// is made again, so no job is lost or left running (issue 18).
func TestRunFailedOutcomeWriteFailsAloneAndTheClaimIsRedone_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Workers: 1, Poll: time.Hour, Now: clk.Now,
			Backoff: func(int) time.Duration { return 0 }})
		var mu sync.Mutex
		failures := 0 // b's write fails in the shared turn, then alone
		var c counter
		r.Handle("step", func(ctx context.Context, j jobs.Job) error {
			c.add(j.ID)
			var name string
			if err := j.Decode(&name); err != nil {
				return err
			}
			jobs.OnOutcome(ctx, func(ctx context.Context, tx *store.Tx, o jobs.Outcome) error {
				mu.Lock()
				defer mu.Unlock()
				if name == "b" && failures < 2 {
					failures++
					return errors.New("b's write failed")
				}
				return nil
			})
			return nil
		})
		a := enqueue(t, db, "step", "a")
		b := enqueue(t, db, "step", "b")
		cid := enqueue(t, db, "step", "c")
		runUntilDone(t, db, r, "step", 3)
		want := map[int64]int{a: 1, b: 2, cid: 1}
		for id, attempts := range want {
			if row := readJob(t, db, id); row.State != jobs.StateDone || row.Attempt != attempts || c.get(id) != attempts {
				t.Fatalf("job %d: %+v, ran %d times, want %d attempts", id, row, c.get(id), attempts)
			}
		}
		if failures != 2 {
			t.Fatalf("b's write failed %d times, want 2", failures)
		}
	})
}
