package cases

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/store"
)

// move puts a milestone's pending job at a new instant. Scheduling the same history
// again keeps the queued job (its key is unique), so after a holiday is added or
// removed (SLA-CLOCK rule 6) the job would otherwise fire at the old deadline, find
// the milestone not reached and be done, and the warning or breach would never come.
func (j JobTimers) move(ctx context.Context, tx *store.Tx, key string, at time.Time) error {
	ms := store.Millis(at)
	res, err := tx.Exec(ctx, `UPDATE jobs SET run_at = ? WHERE unique_key = ? AND state = 'queued' AND run_at <> ?`, ms, key, ms)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 && j.Wake != nil {
		tx.AfterCommit(j.Wake.Notify)
	}
	return nil
}
