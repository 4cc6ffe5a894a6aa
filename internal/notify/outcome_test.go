package notify_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// mailbox is a Mailer whose answers the test decides: each Send waits for the next
// value on results when block is set, and otherwise returns fail.
type mailbox struct {
	mu      sync.Mutex
	sent    int
	fail    error
	block   bool
	entered chan struct{}
	results chan error
}

func (m *mailbox) Send(ctx context.Context, _ notify.Email) error {
	err := m.fail
	if m.block {
		m.entered <- struct{}{}
		err = <-m.results
	}
	if err == nil {
		m.mu.Lock()
		m.sent++
		m.mu.Unlock()
	}
	return err
}

func (m *mailbox) count() int { m.mu.Lock(); defer m.mu.Unlock(); return m.sent }

// lastJob reads the newest notify.send job.
func lastJob(t *testing.T, db *store.DB) (state, lastError string, attempt int, runAt time.Time) {
	t.Helper()
	var ms int64
	err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT state, last_error, attempt, run_at FROM jobs
			WHERE kind = ? ORDER BY id DESC LIMIT 1`, notify.SendKind).Scan(&state, &lastError, &attempt, &ms)
	})
	if err != nil {
		t.Fatal(err)
	}
	return state, lastError, attempt, store.FromMillis(ms)
}

// A delivered message costs the single writer two write calls, the claim and one
// record of the outcome holding both the job row and the outbox row; the sender's
// own outbox write made it three (issue 18). PostgreSQL has no writer to count, so
// there only the rows are checked.
func TestDeliveredMessageRecordedWithTheJobInOneWrite_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		mail := &mailbox{}
		(&notify.Sender{DB: db, Mail: mail}).Register(r)
		queue(t, db, received.Email("applicant@example.ir"))
		_, before := db.GroupCommitStats()
		runDue(t, r, 1)
		_, after := db.GroupCommitStats()
		if db.Dialect == store.SQLite && after-before != 2 {
			t.Fatalf("a delivery made %d write calls, want 2 (claim, outcome)", after-before)
		}
		row := lastOutbox(t, db)
		if row.State != notify.StateSent || row.Attempts != 1 || row.LastError != "" || !row.SentAt.Equal(clk.Now()) {
			t.Fatalf("outbox %+v", row)
		}
		if state, _, attempt, _ := lastJob(t, db); state != jobs.StateDone || attempt != 1 || mail.count() != 1 {
			t.Fatalf("job %s attempt %d, %d sent", state, attempt, mail.count())
		}
	})
}

// A failed delivery is recorded on the outbox row as retrying, with its error, in the
// transaction that schedules the job's retry after the runner's backoff; the last
// attempt's failure marks the row failed and the job dead (issue 18).
func TestFailedDeliveryRecordedAsRetryingWithTheJobsBackoff_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now,
			Backoff: func(n int) time.Duration { return time.Duration(n) * 7 * time.Minute }})
		mail := &mailbox{fail: errors.New("451 relay busy")}
		(&notify.Sender{DB: db, Mail: mail}).Register(r)
		err := db.Update(ctx, func(tx *store.Tx) error {
			return notify.Queue(ctx, tx, received.Email("applicant@example.ir"), jobs.MaxAttempts(2))
		})
		if err != nil {
			t.Fatal(err)
		}
		runDue(t, r, 1)
		if row := lastOutbox(t, db); row.State != notify.StateRetrying || row.Attempts != 1 ||
			!strings.Contains(row.LastError, "451 relay busy") || !row.SentAt.IsZero() {
			t.Fatalf("outbox after attempt 1: %+v", row)
		}
		state, lastErr, attempt, runAt := lastJob(t, db)
		if state != jobs.StateFailed || attempt != 1 || !strings.Contains(lastErr, "451 relay busy") ||
			!runAt.Equal(clk.Now().Add(7*time.Minute)) {
			t.Fatalf("job after attempt 1: %s %q attempt %d run at %v", state, lastErr, attempt, runAt)
		}
		clk.Add(7 * time.Minute)
		runDue(t, r, 1)
		if row := lastOutbox(t, db); row.State != notify.StateFailed || row.Attempts != 2 {
			t.Fatalf("outbox after the last attempt: %+v", row)
		}
		if state, _, attempt, _ := lastJob(t, db); state != jobs.StateDead || attempt != 2 {
			t.Fatalf("job after the last attempt: %s attempt %d", state, attempt)
		}
	})
}

// The outbox row and the job row are written in one transaction: when the job row's
// update fails (a trigger refuses to mark a job done), the outbox row stays queued
// although the message went out, the job is recorded failed with the reason and is
// retried, and the retry records both (issue 18).
func TestOutboxAndJobRowsFailTogether_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now,
			Backoff: func(int) time.Duration { return time.Minute }})
		mail := &mailbox{}
		(&notify.Sender{DB: db, Mail: mail}).Register(r)
		queue(t, db, received.Email("applicant@example.ir"))
		refuseDone(t, db, true)
		runDue(t, r, 1)
		if row := lastOutbox(t, db); row.State != notify.StateQueued || row.Attempts != 0 {
			t.Fatalf("outbox written without its job: %+v", row)
		}
		state, lastErr, attempt, _ := lastJob(t, db)
		if state != jobs.StateFailed || attempt != 1 || !strings.Contains(lastErr, "refused") {
			t.Fatalf("job after the failed record: %s %q attempt %d", state, lastErr, attempt)
		}
		refuseDone(t, db, false)
		clk.Add(time.Minute)
		runDue(t, r, 1)
		if row := lastOutbox(t, db); row.State != notify.StateSent || row.Attempts != 1 {
			t.Fatalf("outbox after the retry: %+v", row)
		}
		if state, _, attempt, _ := lastJob(t, db); state != jobs.StateDone || attempt != 2 || mail.count() != 2 {
			t.Fatalf("job after the retry: %s attempt %d, %d sent (at least once: 2)", state, attempt, mail.count())
		}
	})
}

// refuseDone makes the database refuse (on) or again accept (off) marking a job done.
func refuseDone(t *testing.T, db *store.DB, on bool) {
	t.Helper()
	var stmts []string
	switch {
	case db.Dialect == store.Postgres && on:
		stmts = []string{
			`CREATE FUNCTION refuse_done() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''refused''; END'`,
			`CREATE TRIGGER refuse_done BEFORE UPDATE ON jobs FOR EACH ROW WHEN (NEW.state = 'done') EXECUTE FUNCTION refuse_done()`,
		}
	case db.Dialect == store.Postgres:
		stmts = []string{`DROP TRIGGER refuse_done ON jobs`, `DROP FUNCTION refuse_done()`}
	case on:
		stmts = []string{`CREATE TRIGGER refuse_done BEFORE UPDATE ON jobs WHEN NEW.state = 'done'
			BEGIN SELECT RAISE(ABORT, 'refused'); END`}
	default:
		stmts = []string{`DROP TRIGGER refuse_done`}
	}
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		for _, q := range stmts {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// leaseLost runs a delivery on instance a that blocks until its lease has run out and
// instance b has delivered the message and finished the job; a's delivery then ends
// with aResult. It returns b's mailbox.
func leaseLost(t *testing.T, db *store.DB, aResult error) *mailbox {
	t.Helper()
	clk := newClock(db)
	a := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now, InstanceID: "a", Lease: time.Hour})
	slow := &mailbox{block: true, entered: make(chan struct{}), results: make(chan error)}
	(&notify.Sender{DB: db, Mail: slow}).Register(a)
	b := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now, InstanceID: "b", Lease: time.Hour})
	fast := &mailbox{}
	(&notify.Sender{DB: db, Mail: fast}).Register(b)

	queue(t, db, received.Email("applicant@example.ir"))
	done := make(chan error, 1)
	go func() { _, err := a.RunDue(context.Background()); done <- err }()
	select {
	case <-slow.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("instance a never started delivering")
	}
	clk.Add(time.Hour)
	runDue(t, b, 1)
	if row := lastOutbox(t, db); row.State != notify.StateSent || row.Attempts != 1 || fast.count() != 1 {
		t.Fatalf("outbox after b delivered: %+v", row)
	}
	slow.results <- aResult
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if state, _, attempt, _ := lastJob(t, db); state != jobs.StateDone || attempt != 2 {
		t.Fatalf("job after a's late outcome: %s attempt %d, want done by b's attempt 2", state, attempt)
	}
	return fast
}

// A delivery that ends after its lease was lost, and succeeded, is still recorded as
// sent (the message did go out, twice, which at-least-once delivery accepts); the
// job row stays as the newer claim recorded it (issue 18).
func TestLateDeliveryAfterLeaseLostStillRecordedAsSent_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		leaseLost(t, db, nil)
		if row := lastOutbox(t, db); row.State != notify.StateSent || row.Attempts != 2 || row.LastError != "" {
			t.Fatalf("outbox after a's late delivery: %+v", row)
		}
	})
}

// A delivery that fails after its lease was lost does not turn the row that the
// newer claim marked sent back into retrying: the stale attempt's failure is not
// recorded (issue 18).
func TestLateFailureAfterLeaseLostDoesNotUndoSent_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		leaseLost(t, db, errors.New("421 connection lost"))
		if row := lastOutbox(t, db); row.State != notify.StateSent || row.Attempts != 1 || row.LastError != "" {
			t.Fatalf("outbox after a's late failure: %+v", row)
		}
	})
}

// Called directly, not by a jobs.Runner, the sender has no outcome transaction to
// join and records the outbox row in one of its own (issue 18).
func TestSenderOutsideARunnerRecordsTheRowItself_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newClock(db)
		queue(t, db, received.Email("applicant@example.ir"))
		var id int64
		if err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, "SELECT id FROM outbox ORDER BY id DESC LIMIT 1").Scan(&id)
		}); err != nil {
			t.Fatal(err)
		}
		mail := &mailbox{}
		j := jobs.Job{Kind: notify.SendKind, Payload: []byte(fmt.Sprintf(`{"outbox_id": %d}`, id)), Attempt: 1, MaxAttempts: 3}
		if err := (&notify.Sender{DB: db, Mail: mail}).Handle(ctx, j); err != nil {
			t.Fatal(err)
		}
		if row := lastOutbox(t, db); row.State != notify.StateSent || row.Attempts != 1 || mail.count() != 1 {
			t.Fatalf("outbox %+v, %d sent", row, mail.count())
		}
	})
}
