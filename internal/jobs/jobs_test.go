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

type greeting struct {
	Name string `json:"name"`
}

func TestJobEnqueuedInCommittedTxRunsWithItsPayload(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now, InstanceID: "a"})
		var got []string
		r.Handle("greet", func(ctx context.Context, j jobs.Job) error {
			var g greeting
			if err := j.Decode(&g); err != nil {
				return err
			}
			got = append(got, g.Name)
			if j.Attempt != 1 || j.MaxAttempts != jobs.DefaultMaxAttempts {
				t.Errorf("attempt %d/%d", j.Attempt, j.MaxAttempts)
			}
			return nil
		})
		id := enqueue(t, db, "greet", greeting{Name: "مریم"})
		runDue(t, r, 1)
		runDue(t, r, 0)
		if len(got) != 1 || got[0] != "مریم" {
			t.Fatalf("handler saw %q", got)
		}
		if row := readJob(t, db, id); row.State != jobs.StateDone || row.LockedBy != "" {
			t.Fatalf("after run: %+v", row)
		}
	})
}

func TestJobInRolledBackTxNeverRuns(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		var c counter
		r.Handle("greet", func(_ context.Context, j jobs.Job) error { c.add(j.ID); return nil })
		rollback := errors.New("the change failed")
		err := db.Update(ctx, func(tx *store.Tx) error {
			if _, err := jobs.Enqueue(ctx, tx, "greet", greeting{"x"}, jobs.Unique("only-once")); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		runDue(t, r, 0)
		// The rolled-back job held no unique key either.
		id := enqueue(t, db, "greet", greeting{"y"}, jobs.Unique("only-once"))
		runDue(t, r, 1)
		if c.get(id) != 1 || len(c.runs) != 1 {
			t.Fatalf("runs %v", c.runs)
		}
	})
}

func TestDelayedJobWaitsForItsTime(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		r.Handle("remind", func(context.Context, jobs.Job) error { return nil })
		enqueue(t, db, "remind", nil, jobs.At(clk.Now().Add(48*time.Hour)))
		runDue(t, r, 0)
		clk.Add(48*time.Hour - time.Millisecond)
		runDue(t, r, 0)
		clk.Add(time.Millisecond)
		runDue(t, r, 1)
	})
}

func TestFailingJobRetriesWithBackoffThenDies(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now,
			Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }})
		r.Handle("flaky", func(context.Context, jobs.Job) error { return errors.New("mail server down") })
		id := enqueue(t, db, "flaky", nil, jobs.MaxAttempts(3))

		runDue(t, r, 1)
		row := readJob(t, db, id)
		if row.State != jobs.StateFailed || row.Attempt != 1 || !row.RunAt.Equal(clk.Now().Add(time.Minute)) ||
			row.LastError != "mail server down" {
			t.Fatalf("after attempt 1: %+v", row)
		}
		clk.Add(time.Minute - time.Second)
		runDue(t, r, 0)
		clk.Add(time.Second)
		runDue(t, r, 1)
		if row := readJob(t, db, id); row.State != jobs.StateFailed || row.Attempt != 2 ||
			!row.RunAt.Equal(clk.Now().Add(2*time.Minute)) {
			t.Fatalf("after attempt 2: %+v", row)
		}
		clk.Add(2 * time.Minute)
		runDue(t, r, 1)
		if row := readJob(t, db, id); row.State != jobs.StateDead || row.Attempt != 3 {
			t.Fatalf("after attempt 3: %+v", row)
		}
		clk.Add(24 * time.Hour)
		runDue(t, r, 0)
	})
}

func TestPermanentErrorAndPanicAreRecorded(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		r.Handle("bad", func(context.Context, jobs.Job) error {
			return jobs.Permanent(errors.New("no such case"))
		})
		r.Handle("boom", func(context.Context, jobs.Job) error { panic("nil map") })
		bad := enqueue(t, db, "bad", nil)
		boom := enqueue(t, db, "boom", nil)
		runDue(t, r, 2)
		if row := readJob(t, db, bad); row.State != jobs.StateDead || row.Attempt != 1 {
			t.Fatalf("permanent: %+v", row)
		}
		if row := readJob(t, db, boom); row.State != jobs.StateFailed || !strings.Contains(row.LastError, "panic: nil map") {
			t.Fatalf("panic: %+v", row)
		}
	})
}

func TestUniqueKeyDeduplicatesLiveJobsOnly(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		var c counter
		r.Handle("sla.warn", func(_ context.Context, j jobs.Job) error { c.add(j.ID); return nil })
		first := enqueue(t, db, "sla.warn", 1, jobs.Unique("sla.warn:case-42"))
		var a, b int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			if a, err = jobs.Enqueue(ctx, tx, "sla.warn", 2, jobs.Unique("sla.warn:case-42")); err != nil {
				return err
			}
			b, err = jobs.Enqueue(ctx, tx, "sla.warn", 3, jobs.Unique("sla.warn:case-42"))
			return err
		})
		if err != nil || a != first || b != first {
			t.Fatalf("duplicates got ids %d, %d (first %d), err %v", a, b, first, err)
		}
		other := enqueue(t, db, "sla.warn", 4, jobs.Unique("sla.warn:case-43"))
		runDue(t, r, 2)
		if c.get(first) != 1 || c.get(other) != 1 {
			t.Fatalf("runs %v", c.runs)
		}
		// Once the job is done its key is free again.
		again := enqueue(t, db, "sla.warn", 5, jobs.Unique("sla.warn:case-42"))
		if again == first {
			t.Fatal("finished job's key was not released")
		}
		runDue(t, r, 1)
	})
}

func TestStatsCountByKindAndState(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		r.Handle("ok", func(context.Context, jobs.Job) error { return nil })
		enqueue(t, db, "ok", nil)
		enqueue(t, db, "ok", nil, jobs.At(clk.Now().Add(time.Hour)))
		enqueue(t, db, "unhandled", nil)
		runDue(t, r, 1)
		st, err := r.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st["ok"]["done"] != 1 || st["ok"]["queued"] != 1 || st["unhandled"]["queued"] != 1 {
			t.Fatalf("stats %v", st)
		}
		clk.Add(8 * 24 * time.Hour)
		n, err := jobs.Prune(context.Background(), db, clk.Now().Add(-7*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, err %v", n, err)
		}
	})
}

func TestDefaultBackoffDoublesWithBoundedJitter(t *testing.T) {
	for _, tc := range []struct {
		attempt int
		base    time.Duration
	}{
		{0, 10 * time.Second}, {1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second},
		{9, 2560 * time.Second}, {10, time.Hour}, {64, time.Hour},
	} {
		for range 50 {
			d := jobs.DefaultBackoff(tc.attempt)
			if d < tc.base || d > tc.base+tc.base/5 {
				t.Fatalf("attempt %d: %v outside [%v, +20%%]", tc.attempt, d, tc.base)
			}
		}
	}
}

// Reschedule moves the queued job of a unique key (an SLA deadline recomputed on a
// changed calendar) instead of keeping the old instant; without it the key keeps it.
func TestRescheduleMovesTheQueuedJobOfAKey(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		first, later := clk.Now().Add(48*time.Hour), clk.Now().Add(72*time.Hour)
		id := enqueue(t, db, "sla.breach", 1, jobs.Unique("breach:c1"), jobs.At(first))
		if again := enqueue(t, db, "sla.breach", 1, jobs.Unique("breach:c1"), jobs.At(later)); again != id {
			t.Fatalf("second enqueue made job %d, want the existing %d", again, id)
		}
		if got := readJob(t, db, id).RunAt; !got.Equal(first) {
			t.Fatalf("without Reschedule the job moved to %v", got)
		}
		if again := enqueue(t, db, "sla.breach", 1, jobs.Unique("breach:c1"), jobs.At(later), jobs.Reschedule()); again != id {
			t.Fatalf("rescheduling made job %d, want %d", again, id)
		}
		if got := readJob(t, db, id).RunAt; !got.Equal(later) {
			t.Fatalf("rescheduled job runs at %v, want %v", got, later)
		}
	})
}
