package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// newClock returns the settable time shared by a test's database (when given) and
// runners.
func newClock(db *store.DB) *storetest.Clock {
	c := storetest.NewClock(time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC))
	if db != nil {
		c.On(db)
	}
	return c
}

func enqueue(t *testing.T, db *store.DB, kind string, payload any, opts ...jobs.Option) int64 {
	t.Helper()
	var id int64
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = jobs.Enqueue(context.Background(), tx, kind, payload, opts...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

type jobRow struct {
	State, LockedBy, LastError string
	Attempt                    int
	RunAt                      time.Time
}

func readJob(t *testing.T, db *store.DB, id int64) jobRow {
	t.Helper()
	var r jobRow
	var runAt int64
	err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(),
			"SELECT state, locked_by, last_error, attempt, run_at FROM jobs WHERE id = ?", id).
			Scan(&r.State, &r.LockedBy, &r.LastError, &r.Attempt, &runAt)
	})
	if err != nil {
		t.Fatalf("read job %d: %v", id, err)
	}
	r.RunAt = store.FromMillis(runAt)
	return r
}

func runDue(t *testing.T, r *jobs.Runner, want int) {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

// counter counts handler runs per job id.
type counter struct {
	mu   sync.Mutex
	runs map[int64]int
}

func (c *counter) add(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.runs == nil {
		c.runs = map[int64]int{}
	}
	c.runs[id]++
}

func (c *counter) get(id int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs[id]
}
