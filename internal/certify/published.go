package certify

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// PublishedAtOnce counts the certificates issued in [from, to) (by their issue
// event) and how many of them entered the public register and the transparency log
// in the very transaction that issued them (SLA Z-4.1: published as soon as
// issued), for the monthly report. Issuing writes both in one transaction, so the
// two agree unless a row was tampered with, which this figure would show.
func (r *Registry) PublishedAtOnce(ctx context.Context, from, to time.Time) (issued, atOnce int, err error) {
	err = r.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*), COUNT(CASE WHEN e.tlog_index >= 0 AND c.status_at >= 0 THEN 1 END)
			FROM certificate_events e JOIN certificates c ON c.id = e.certificate_id
			WHERE e.kind = 'issue' AND e.at >= ? AND e.at < ?`, store.Millis(from), store.Millis(to)).Scan(&issued, &atOnce)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("certify: published at once: %w", err)
	}
	return issued, atOnce, nil
}
