package cases

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// QueueFigure is what monitoring needs to know about one service's queue (SLA C-4.1):
// how many submitted cases wait on the Organization, how many of those are past their
// SLA deadline, and since when the oldest of them has been waiting.
type QueueFigure struct {
	Waiting int
	Overdue int
	// OldestSubmitted is when the longest-waiting case was submitted; zero when none waits.
	OldestSubmitted time.Time
}

// QueueFigures counts every service's open cases for the /metrics exporter. It reads
// no personal data and needs no principal: the figures are counts.
func QueueFigures(ctx context.Context, db *store.DB, now time.Time) (map[string]QueueFigure, error) {
	out := map[string]QueueFigure{}
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT service, COUNT(*),
			SUM(CASE WHEN due_at > 0 AND due_at < ? THEN 1 ELSE 0 END), MIN(submitted_at)
			FROM cases WHERE holder = 'organization' AND submitted_at > 0 AND closed_at = 0 GROUP BY service`,
			store.Millis(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var svc string
			var f QueueFigure
			var overdue, oldest sql.NullInt64
			if err := rows.Scan(&svc, &f.Waiting, &overdue, &oldest); err != nil {
				return err
			}
			f.Overdue = int(overdue.Int64)
			if oldest.Valid && oldest.Int64 > 0 {
				f.OldestSubmitted = store.FromMillis(oldest.Int64)
			}
			out[svc] = f
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("cases: queue figures: %w", err)
	}
	return out, nil
}
