package cases

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
)

// RecomputeOpen rebuilds the clock of every open, submitted case from its history on
// the current calendar, refreshes the cached deadline and reschedules the timers, and
// records in the audit log why (SLA-CLOCK rule 6: a changed holiday moves deadlines).
// It returns how many cases it recomputed.
func (e *Engine) RecomputeOpen(ctx context.Context, by, reason string) (int, error) {
	var codes []string
	err := e.view(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT tracking_code FROM cases WHERE closed_at = 0 AND submitted_at > 0 ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			codes = append(codes, c)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("cases: recompute: %w", err)
	}
	const batch = 200
	for i := 0; i < len(codes); i += batch {
		part := codes[i:min(i+batch, len(codes))]
		err := e.update(ctx, func(tx *store.Tx) error {
			for _, code := range part {
				c, err := loadCase(ctx, tx, code)
				if err != nil {
					return err
				}
				_, k, err := e.process(ctx, c)
				if err != nil {
					return err
				}
				if err := e.refreshClock(ctx, tx, c, k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return i, fmt.Errorf("cases: recompute: %w", err)
		}
	}
	err = e.update(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, by, "case.clocks_recomputed", "calendar", "", map[string]any{"cases": len(codes), "reason": reason})
	})
	return len(codes), err
}
