package certify

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// PublishedAtOnce counts the certificates issued in [from, to) and how many of them
// were on the public register and in the transparency log in the very transaction
// that issued them (SLA Z-4.1: published as soon as issued), for the monthly report.
func (r *Registry) PublishedAtOnce(ctx context.Context, from, to time.Time) (issued, atOnce int, err error) {
	err = r.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*), COUNT(e.id) FROM certificates c
			LEFT JOIN certificate_events e ON e.certificate_id = c.id AND e.kind = 'issue' AND e.at = c.issued_at
			WHERE c.issued_at >= ? AND c.issued_at < ?`, store.Millis(from), store.Millis(to)).Scan(&issued, &atOnce)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("certify: published at once: %w", err)
	}
	return issued, atOnce, nil
}
