package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/itoir/miz/internal/store"
)

// claim atomically takes up to limit due jobs of the kinds this runner handles: queued
// or failed jobs whose run_at has come, and running jobs whose lease has expired.
func (r *Runner) claim(ctx context.Context, limit int) ([]Job, error) {
	c, err := r.prepareClaim(ctx, limit)
	if err != nil || c == nil {
		return nil, err
	}
	var out []Job
	err = r.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = c.run(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return out, nil
}

// claimStmt is a claim of up to limit due jobs, ready to run in a write transaction.
type claimStmt struct {
	q    string
	args []any
}

// prepareClaim returns the claim of up to limit due jobs, or nil when there is nothing
// to claim.
func (r *Runner) prepareClaim(ctx context.Context, limit int) (*claimStmt, error) {
	kinds := r.kinds()
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	now := r.opt.Now()
	nowMs := store.Millis(now)
	// PostgreSQL: SKIP LOCKED lets several instances claim side by side without waiting
	// for or double-taking each other's rows. SQLite has one writer, so the UPDATE alone
	// is atomic.
	lock := ""
	if r.db.Dialect == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	due := `WHERE ((state IN ('queued', 'failed') AND run_at <= ?) OR (state = 'running' AND locked_until <= ?))
			AND kind IN (` + placeholders(len(kinds)) + `)`
	dueArgs := []any{nowMs, nowMs}
	for _, k := range kinds {
		dueArgs = append(dueArgs, k)
	}
	// SQLite: look first in a read transaction. An empty claim in a write transaction
	// took a turn of the single writer, a commit and an fsync, after each intake
	// submission (issue 18). A job that becomes due after this look is claimed by the
	// wake its enqueue sends after commit, or by the next poll. PostgreSQL writes no
	// WAL for an UPDATE that matched nothing, and the look would add round trips.
	if r.db.Dialect != store.Postgres {
		found, err := r.anyDue(ctx, due, dueArgs)
		if err != nil || !found {
			return nil, err
		}
	}
	leaseUntil := store.Millis(now.Add(r.opt.Lease))
	q, args := sqliteClaim(kinds, limit, r.opt.InstanceID, leaseUntil, nowMs)
	if r.db.Dialect == store.Postgres {
		q = `UPDATE jobs SET state = 'running', attempt = attempt + 1, locked_by = ?, locked_until = ?
			WHERE id IN (SELECT id FROM jobs
				` + due + `
				ORDER BY run_at, id LIMIT ?` + lock + `)
			RETURNING id, kind, payload, attempt, max_attempts, run_at, created_at`
		args = append([]any{r.opt.InstanceID, leaseUntil}, dueArgs...)
		args = append(args, limit)
	}
	return &claimStmt{q: q, args: args}, nil
}

// run claims the jobs in tx and returns them in due order.
func (c *claimStmt) run(ctx context.Context, tx *store.Tx) ([]Job, error) {
	rows, err := tx.Query(ctx, c.q, c.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var payload string
		var runAt, created int64
		if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.Attempt, &j.MaxAttempts, &runAt, &created); err != nil {
			return nil, err
		}
		j.Payload = []byte(payload)
		j.RunAt, j.CreatedAt = store.FromMillis(runAt), store.FromMillis(created)
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// RETURNING does not promise an order.
	sortJobs(out)
	return out, nil
}

// anyDue reports, from a read transaction, whether any job matches the claim's where.
func (r *Runner) anyDue(ctx context.Context, where string, args []any) (bool, error) {
	var found bool
	err := r.db.View(ctx, func(tx *store.Tx) error {
		var one int
		err := tx.QueryRow(ctx, "SELECT 1 FROM jobs "+where+" LIMIT 1", args...).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("jobs: claim: %w", err)
	}
	return found, nil
}

// sqliteClaim is the claim for SQLite: the first limit ready jobs walked in order on
// the jobs_ready index (migration 0113), and the first limit expired leases, merged.
// The first limit of the union are the first limit of all due jobs, as in the
// PostgreSQL form, but without reading and sorting every ready job (issue 18).
// INDEXED BY, because without ANALYZE statistics SQLite guesses jobs_due and sorts.
func sqliteClaim(kinds []string, limit int, instance string, leaseUntil, nowMs int64) (string, []any) {
	in := placeholders(len(kinds))
	q := `UPDATE jobs SET state = 'running', attempt = attempt + 1, locked_by = ?, locked_until = ?
		WHERE id IN (SELECT id FROM (
			SELECT id, run_at FROM (SELECT id, run_at FROM jobs INDEXED BY jobs_ready
				WHERE state IN ('queued', 'failed') AND run_at <= ? AND kind IN (` + in + `)
				ORDER BY run_at, id LIMIT ?)
			UNION ALL
			SELECT id, run_at FROM (SELECT id, run_at FROM jobs
				WHERE state = 'running' AND locked_until <= ? AND kind IN (` + in + `)
				ORDER BY run_at, id LIMIT ?))
			ORDER BY run_at, id LIMIT ?)
		RETURNING id, kind, payload, attempt, max_attempts, run_at, created_at`
	args := []any{instance, leaseUntil, nowMs}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, limit, nowMs)
	for _, k := range kinds {
		args = append(args, k)
	}
	return q, append(args, limit, limit)
}

func sortJobs(js []Job) {
	sort.Slice(js, func(a, b int) bool {
		if !js[a].RunAt.Equal(js[b].RunAt) {
			return js[a].RunAt.Before(js[b].RunAt)
		}
		return js[a].ID < js[b].ID
	})
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (r *Runner) backoff(attempt int) time.Duration {
	d := r.opt.Backoff(attempt)
	if d < 0 {
		return 0
	}
	return d
}
