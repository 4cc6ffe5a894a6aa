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

// waitFor polls cond for real asynchronous work (goroutines, other connections).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestJobAcceptedBeforeCrashRunsAfterRestart(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		id := enqueue(t, db, "issue", nil)

		// Instance a claims the job and is "killed" mid-handler: its handler never finishes
		// in time, so its lease runs out.
		a := jobs.NewRunner(db, nil, jobs.Options{InstanceID: "a", Lease: time.Hour, Poll: time.Hour, Now: clk.Now})
		started, release := make(chan struct{}), make(chan struct{})
		a.Handle("issue", func(ctx context.Context, j jobs.Job) error {
			close(started)
			<-release
			return errors.New("instance a lost its lease")
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("instance a never started the job")
		}
		cancel()
		if row := readJob(t, db, id); row.State != jobs.StateRunning || row.LockedBy != "a" {
			t.Fatalf("while a runs: %+v", row)
		}

		// A new instance does not take a job whose lease is still valid …
		b := jobs.NewRunner(db, nil, jobs.Options{InstanceID: "b", Lease: time.Hour, Now: clk.Now})
		var c counter
		b.Handle("issue", func(_ context.Context, j jobs.Job) error { c.add(j.ID); return nil })
		clk.Add(59 * time.Minute)
		runDue(t, b, 0)
		// … but once it expires, the job runs after the "restart".
		clk.Add(time.Minute)
		runDue(t, b, 1)
		if c.get(id) != 1 {
			t.Fatalf("runs after restart %v", c.runs)
		}

		// The old instance's late failure is fenced off: the job stays done.
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if row := readJob(t, db, id); row.State != jobs.StateDone || row.Attempt != 2 {
			t.Fatalf("after restart: %+v", row)
		}
	})
}

func TestRunPicksUpWokenJobsAndDrainsOnShutdown(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// Poll is an hour: only Wake can start the job within the test.
		r := jobs.NewRunner(db, nil, jobs.Options{Workers: 2, Poll: time.Hour})
		started, release := make(chan struct{}), make(chan struct{})
		r.Handle("slow", func(ctx context.Context, j jobs.Job) error {
			close(started)
			<-release
			return nil
		})
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		id := enqueue(t, db, "slow", nil, jobs.Wake(r))
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("woken job did not start")
		}
		cancel()
		select {
		case err := <-done:
			t.Fatalf("Run returned %v with a handler in flight", err)
		default:
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if row := readJob(t, db, id); row.State != jobs.StateDone {
			t.Fatalf("in-flight job not finished on shutdown: %+v", row)
		}
	})
}

func TestEveryRunsOncePerSlotAcrossInstances(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		var mu sync.Mutex
		var slots []time.Time
		sweep := func(_ context.Context, j jobs.Job) error {
			mu.Lock()
			defer mu.Unlock()
			slots = append(slots, j.RunAt)
			return nil
		}
		var runners []*jobs.Runner
		for _, name := range []string{"a", "b"} {
			r := jobs.NewRunner(db, nil, jobs.Options{InstanceID: name, Now: clk.Now})
			r.Handle("sla.sweep", sweep)
			r.Every("sla.sweep", time.Hour)
			runners = append(runners, r)
		}
		runDue(t, runners[0], 1)
		runDue(t, runners[1], 0)
		clk.Add(29 * time.Minute) // 10:59
		runDue(t, runners[1], 0)
		clk.Add(time.Minute) // 11:00: the next slot
		runDue(t, runners[1], 1)
		runDue(t, runners[0], 0)
		clk.Add(3 * time.Hour) // missed slots are not caught up
		runDue(t, runners[0], 1)
		want := []time.Time{
			time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 14, 11, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 14, 14, 0, 0, 0, time.UTC),
		}
		if len(slots) != len(want) {
			t.Fatalf("slots %v", slots)
		}
		for i := range want {
			if !slots[i].Equal(want[i]) {
				t.Fatalf("slot %d = %v, want %v", i, slots[i], want[i])
			}
		}
	})
}

func TestTwoInstancesRunEachJobExactlyOnce(t *testing.T) {
	ctx := context.Background()
	open := map[string]func(t *testing.T) (*store.DB, *store.DB){
		"sqlite": func(t *testing.T) (*store.DB, *store.DB) {
			dir := t.TempDir()
			return openTwo(t, "", dir)
		},
		"postgres": func(t *testing.T) (*store.DB, *store.DB) {
			return openTwo(t, storetest.PostgresURL(t), "")
		},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			db1, db2 := open[backend](t)
			const n = 200
			ids := map[int64]bool{}
			err := db1.Update(ctx, func(tx *store.Tx) error {
				for i := range n {
					id, err := jobs.Enqueue(ctx, tx, "count", i)
					if err != nil {
						return err
					}
					ids[id] = true
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var c counter
			var mu sync.Mutex
			running, overlap := map[int64]bool{}, false
			handle := func(_ context.Context, j jobs.Job) error {
				mu.Lock()
				if running[j.ID] {
					overlap = true
				}
				running[j.ID] = true
				mu.Unlock()
				c.add(j.ID)
				mu.Lock()
				delete(running, j.ID)
				mu.Unlock()
				return nil
			}
			rctx, cancel := context.WithCancel(ctx)
			var wg sync.WaitGroup
			for i, db := range []*store.DB{db1, db2} {
				r := jobs.NewRunner(db, nil, jobs.Options{Workers: 4, Poll: 5 * time.Millisecond,
					InstanceID: []string{"a", "b"}[i]})
				r.Handle("count", handle)
				wg.Go(func() { _ = r.Run(rctx) })
			}
			waitFor(t, "all jobs done", func() bool {
				st, err := jobs.Stats(ctx, db2)
				return err == nil && st["count"]["done"] == n
			})
			cancel()
			wg.Wait()
			if overlap {
				t.Fatal("a job ran twice at the same time")
			}
			for id := range ids {
				if got := c.get(id); got != 1 {
					t.Fatalf("job %d ran %d times", id, got)
				}
			}
			if len(c.runs) != n {
				t.Fatalf("%d distinct jobs ran, want %d", len(c.runs), n)
			}
		})
	}
}

// openTwo opens the same database twice, as two instances of Miz would.
func openTwo(t *testing.T, url, dir string) (*store.DB, *store.DB) {
	t.Helper()
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(context.Background(), url, dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	if err := dbs[0].Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return dbs[0], dbs[1]
}
