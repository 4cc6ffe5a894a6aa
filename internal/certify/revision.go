package certify

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// Revision identifies the state of the whole public registry: the log index of
// its latest event. Every issuance and status change appends an event, so a cached
// answer made at one revision is still exact while the revision stays the same.
// It reads one index entry.
func (r *Registry) Revision(ctx context.Context) (int64, error) {
	var rev int64
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COALESCE(MAX(tlog_index), -1) FROM certificate_events`).Scan(&rev)
	})
	if err != nil {
		return 0, fmt.Errorf("certify: revision: %w", err)
	}
	return rev, nil
}

// LocalChanges counts the registry changes committed through r in this process;
// a cache compares it to skip asking the database for Revision between changes
// made here.
func (r *Registry) LocalChanges() int64 { return r.changes.Load() }
