package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// The states a job moves through.
const (
	StateQueued  = "queued"
	StateRunning = "running"
	StateFailed  = "failed" // the last attempt failed; it is retried at run_at
	StateDone    = "done"
	StateDead    = "dead" // every attempt failed, or the handler gave up for good
)

// DefaultMaxAttempts is the number of attempts a job gets unless MaxAttempts says otherwise.
const DefaultMaxAttempts = 10

// Job is one claimed job as its handler sees it.
type Job struct {
	ID          int64
	Kind        string
	Payload     json.RawMessage
	Attempt     int // 1 on the first run
	MaxAttempts int
	RunAt       time.Time // when it was due; for periodic jobs, the start of its slot
	CreatedAt   time.Time
}

// Decode unmarshals the job's JSON payload into v.
func (j Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("jobs: decode %s #%d: %w", j.Kind, j.ID, Permanent(err))
	}
	return nil
}

// Waker is woken after a transaction that enqueued a job commits; *Runner is one.
type Waker interface{ Notify() }

// Option adjusts one Enqueue.
type Option func(*enqueueOptions)

type enqueueOptions struct {
	runAt       time.Time
	uniqueKey   string
	maxAttempts int
	wakers      []Waker
	// reschedule moves a queued job with the same unique key to runAt.
	reschedule bool
	// keepFinished makes a finished job with the same unique key count as a duplicate
	// (periodic slots run once); otherwise a finished job's key is released.
	keepFinished bool
}

// At delays the job until t.
func At(t time.Time) Option { return func(o *enqueueOptions) { o.runAt = t } }

// Unique de-duplicates by key: while a job with the same key is queued, running or
// waiting for a retry, enqueueing again is a no-op that returns the existing job's id.
func Unique(key string) Option { return func(o *enqueueOptions) { o.uniqueKey = key } }

// Reschedule, with Unique, moves a queued job that has the same key to this one's At
// instead of leaving it where it was (a deadline recomputed on a changed calendar).
func Reschedule() Option { return func(o *enqueueOptions) { o.reschedule = true } }

// MaxAttempts sets how many times the job is tried before it is marked dead.
func MaxAttempts(n int) Option { return func(o *enqueueOptions) { o.maxAttempts = n } }

// Wake notifies w (usually the local *Runner) once the enqueueing transaction commits,
// so the job starts without waiting for the next poll. A job enqueued for later (At)
// does not wake w: the poll claims it once it is due.
func Wake(w Waker) Option {
	return func(o *enqueueOptions) {
		if w != nil {
			o.wakers = append(o.wakers, w)
		}
	}
}

// Enqueue stores a job of the given kind in the caller's transaction, so that it exists
// exactly when the transaction commits. The payload is marshalled to JSON.
func Enqueue(ctx context.Context, tx *store.Tx, kind string, payload any, opts ...Option) (int64, error) {
	o := enqueueOptions{runAt: tx.Now, maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&o)
	}
	if kind == "" {
		return 0, errors.New("jobs: enqueue: empty kind")
	}
	if o.maxAttempts < 1 {
		o.maxAttempts = 1
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: payload: %w", kind, err)
	}
	id, err := insert(ctx, tx, kind, string(body), o)
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	// A job due later is claimed by the runner's poll once due; waking it now would
	// only cost a write transaction that finds nothing to claim (one per intake
	// submission, for its SLA milestones).
	if o.runAt.After(tx.Now) {
		return id, nil
	}
	for _, w := range o.wakers {
		tx.AfterCommit(w.Notify)
	}
	return id, nil
}

func insert(ctx context.Context, tx *store.Tx, kind, body string, o enqueueOptions) (int64, error) {
	var key any
	if o.uniqueKey != "" {
		key = o.uniqueKey
	}
	// ON CONFLICT DO NOTHING rather than catching the violation: on PostgreSQL a failed
	// statement would abort the caller's whole transaction.
	// One row or none (the key is taken); QueryRow lets the store reuse the statement.
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO jobs (kind, payload, state, max_attempts, run_at, unique_key, created_at)
		VALUES (?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		kind, body, o.maxAttempts, store.Millis(o.runAt), key, store.Millis(tx.Now)).Scan(&id)
	switch {
	case err == nil:
		return id, nil
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	case o.uniqueKey == "":
		return 0, nil // without a key there is nothing to conflict with
	}
	var state string
	err = tx.QueryRow(ctx, "SELECT id, state FROM jobs WHERE unique_key = ?", o.uniqueKey).Scan(&id, &state)
	if err != nil {
		return 0, fmt.Errorf("unique %q: %w", o.uniqueKey, err)
	}
	if o.reschedule && state == StateQueued {
		ms := store.Millis(o.runAt)
		res, err := tx.Exec(ctx, "UPDATE jobs SET run_at = ? WHERE id = ? AND run_at <> ?", ms, id, ms)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n > 0 && !o.runAt.After(tx.Now) {
			for _, w := range o.wakers {
				tx.AfterCommit(w.Notify)
			}
		}
		return id, nil
	}
	if o.keepFinished || (state != StateDone && state != StateDead) {
		return id, nil
	}
	// The key's previous job has finished: release its key and enqueue afresh.
	if _, err := tx.Exec(ctx, "UPDATE jobs SET unique_key = NULL WHERE id = ?", id); err != nil {
		return 0, err
	}
	o.keepFinished = true
	return insert(ctx, tx, kind, body, o)
}

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so the runner marks the job dead at once instead of retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err (or an error it wraps) was made by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
