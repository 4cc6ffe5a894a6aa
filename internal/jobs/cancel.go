package jobs

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// Cancel removes, in the caller's transaction, the jobs with the given unique keys
// that have not run yet (queued, or waiting for a retry), so that a timer whose
// reason is gone (a case left a timed state) never fires. Running and finished jobs
// are left alone. It returns how many it removed.
func Cancel(ctx context.Context, tx *store.Tx, keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	res, err := tx.Exec(ctx, `DELETE FROM jobs WHERE state IN ('queued', 'failed') AND unique_key IN (`+placeholders(len(keys))+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("jobs: cancel: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: cancel: %w", err)
	}
	return n, nil
}
