package jobs

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/itoir/miz/internal/store"
)

// Outcome is what the runner recorded for one run of a job, as a write registered
// with OnOutcome sees it.
type Outcome struct {
	// State is the state the run left the job in: StateDone, StateFailed (retried
	// later) or StateDead.
	State string
	// Held reports whether this run still held the job when its outcome was recorded.
	// It is false when the lease expired and another instance claimed the job again:
	// the job row then belongs to the newer claim and was left as it is.
	Held bool
}

// OutcomeWrite is a write that a handler hands to the runner, to run in the
// transaction that records the job's outcome.
type OutcomeWrite func(ctx context.Context, tx *store.Tx, o Outcome) error

// OnOutcome registers fn to run in the same transaction as the runner's record of the
// outcome of the job whose handler was given ctx, after the job row is updated, so
// that the handler's own record of what it did costs no write transaction of its own
// (issue 18: on SQLite each one is a turn of the single writer). fn runs whatever the
// handler returns, and also when the run no longer held the job (Outcome.Held).
//
// If the transaction fails (fn returned an error, or the commit failed), none of it is
// stored: the runner then records the run as failed with that error, without fn, so
// the job is retried (or dead after its last attempt) exactly as if the handler had
// returned the error itself.
//
// OnOutcome reports false, and registers nothing, when ctx is not the context of a
// handler the runner is still running (a direct call, or after the handler
// returned); the caller must then write in a transaction of its own.
func OnOutcome(ctx context.Context, fn OutcomeWrite) bool {
	w, _ := ctx.Value(outcomeKey{}).(*outcomeWrites)
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return false
	}
	w.fns = append(w.fns, fn)
	return true
}

type outcomeKey struct{}

// outcomeWrites collects the writes one handler run registers.
type outcomeWrites struct {
	mu     sync.Mutex
	fns    []OutcomeWrite
	closed bool // the handler returned: later registrations are refused
}

// take closes w and returns what was registered.
func (w *outcomeWrites) take() []OutcomeWrite {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	return w.fns
}

// outcome is one finished run waiting for its outcome to be recorded: the run's
// result, the writes its handler registered, and the fenced UPDATE of the job row,
// made once (a retry's time has random jitter, and its log line is written once).
type outcome struct {
	j      Job
	err    error
	writes []OutcomeWrite
	q      string
	args   []any
	state  string
}

// finish prepares the record of j's run that ended with runErr.
func (r *Runner) finish(j Job, runErr error, writes []OutcomeWrite) outcome {
	q, args, state := r.outcomeUpdate(j, runErr)
	return outcome{j: j, err: runErr, writes: writes, q: q, args: args, state: state}
}

// store writes o in tx. The WHERE clause fences the job row to this instance's claim
// of this attempt: if the lease expired and another instance took the job, the row
// does not change, and the handler's writes learn so from Outcome.Held.
func (o *outcome) store(ctx context.Context, tx *store.Tx) error {
	res, err := tx.Exec(ctx, o.q, o.args...)
	if err != nil || len(o.writes) == 0 {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	seen := Outcome{State: o.state, Held: n > 0}
	for _, fn := range o.writes {
		if err := fn(ctx, tx, seen); err != nil {
			return err
		}
	}
	return nil
}

// record stores o, with the writes its handler registered, in one transaction.
func (r *Runner) record(ctx context.Context, o outcome) error {
	err := r.db.Update(ctx, func(tx *store.Tx) error { return o.store(ctx, tx) })
	if err == nil || len(o.writes) == 0 {
		return err
	}
	// Nothing of the run is stored. Record it as failed with the reason, as when a
	// handler's own write failed and it returned the error: the job is retried (the
	// handler's work may be done twice, which at-least-once delivery accepts) and is
	// never left behind. If this fails too, the lease runs out and the job is claimed
	// again.
	werr := fmt.Errorf("jobs: record %s #%d with its handler's writes: %w", o.j.Kind, o.j.ID, err)
	plain := r.finish(o.j, werr, nil)
	if rerr := r.db.Update(ctx, func(tx *store.Tx) error { return plain.store(ctx, tx) }); rerr != nil {
		return fmt.Errorf("%w; then: %w", werr, rerr)
	}
	return nil
}

// outcomeUpdate returns the fenced UPDATE that records runErr as j's outcome, and the
// state it sets.
func (r *Runner) outcomeUpdate(j Job, runErr error) (string, []any, string) {
	now := r.opt.Now()
	fence := " WHERE id = ? AND state = 'running' AND locked_by = ? AND attempt = ?"
	var q, state string
	var args []any
	switch {
	case runErr == nil:
		state = StateDone
		q = "UPDATE jobs SET state = 'done', finished_at = ?, locked_by = '', locked_until = 0, last_error = ''" + fence
		args = []any{store.Millis(now)}
	case IsPermanent(runErr) || j.Attempt >= j.MaxAttempts:
		state = StateDead
		q = "UPDATE jobs SET state = 'dead', finished_at = ?, locked_by = '', locked_until = 0, last_error = ?" + fence
		args = []any{store.Millis(now), truncate(runErr.Error())}
		r.log.Error("jobs: dead", "kind", j.Kind, "id", j.ID, "attempt", j.Attempt, "err", runErr)
	default:
		state = StateFailed
		next := now.Add(r.backoff(j.Attempt))
		q = "UPDATE jobs SET state = 'failed', run_at = ?, locked_by = '', locked_until = 0, last_error = ?" + fence
		args = []any{store.Millis(next), truncate(runErr.Error())}
		r.log.Warn("jobs: retry", "kind", j.Kind, "id", j.ID, "attempt", j.Attempt, "next", next, "err", runErr)
	}
	return q, append(args, j.ID, r.opt.InstanceID, j.Attempt), state
}

func truncate(s string) string {
	const max = 2000
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}
