package jobs

import (
	"context"
	"fmt"
	"sort"

	"github.com/itoir/miz/internal/store"
)

// settle records the outcomes in done and claims up to free due jobs, in one write
// transaction when there is anything to write (issue 18: on SQLite every write call
// is a turn of the single writer that intake's requests wait behind).
//
// Sharing the transaction changes nothing of what is stored: each outcome is fenced
// to its own claim as when recorded alone, the claim sees the jobs just recorded as
// they now are (a failed job whose retry is due at once is claimed again, as a later
// claim would), and on PostgreSQL the rows are updated in id order, so two instances
// settling at once do not lock each other's rows in opposite orders (they hold
// disjoint jobs anyway, and the claim skips locked rows).
//
// If the shared transaction fails (one handler's write failed, or the commit did),
// nothing of it is stored, and each outcome is recorded again in a transaction of its
// own, so that it fails, and is retried, alone; then the claim is made by itself.
func (r *Runner) settle(ctx context.Context, done []outcome, free int) ([]Job, error) {
	if len(done) == 0 {
		return r.claim(ctx, free)
	}
	sort.Slice(done, func(a, b int) bool { return done[a].j.ID < done[b].j.ID })
	c, err := r.prepareClaim(ctx, free)
	if err != nil {
		c = nil // record the outcomes all the same; the next turn claims
	}
	var claimed []Job
	werr := r.db.Update(ctx, func(tx *store.Tx) error {
		claimed = nil
		for i := range done {
			if err := done[i].store(ctx, tx); err != nil {
				return err
			}
		}
		if c == nil {
			return nil
		}
		var err error
		claimed, err = c.run(ctx, tx)
		return err
	})
	if werr == nil {
		return claimed, err
	}
	for _, o := range done {
		if err := r.record(ctx, o); err != nil {
			r.log.Error("jobs: record outcome", "kind", o.j.Kind, "id", o.j.ID, "err", err)
		}
	}
	claimed, err = r.claim(ctx, free)
	if err != nil {
		return nil, fmt.Errorf("jobs: settle: %w", err)
	}
	return claimed, nil
}
