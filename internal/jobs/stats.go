package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Stats counts jobs by kind and then by state, for metrics and the admin page.
func Stats(ctx context.Context, db *store.DB) (map[string]map[string]int, error) {
	out := map[string]map[string]int{}
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind, state string
			var n int
			if err := rows.Scan(&kind, &state, &n); err != nil {
				return err
			}
			if out[kind] == nil {
				out[kind] = map[string]int{}
			}
			out[kind][state] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: stats: %w", err)
	}
	return out, nil
}

// Stats counts the jobs in the runner's database by kind and state.
func (r *Runner) Stats(ctx context.Context) (map[string]map[string]int, error) {
	return Stats(ctx, r.db)
}

// Prune deletes jobs that finished (done or dead) before cutoff and returns how many.
// Periodic slot jobs are safe to prune once their slot has passed.
func Prune(ctx context.Context, db *store.DB, cutoff time.Time) (int64, error) {
	var n int64
	err := db.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM jobs WHERE state IN ('done', 'dead') AND finished_at > 0 AND finished_at < ?",
			store.Millis(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("jobs: prune: %w", err)
	}
	return n, nil
}
