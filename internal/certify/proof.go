package certify

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

// Proof returns the c2sp.org/tlog-proof bundle of the certificate's latest log
// record (its current status), with that record carried in the bundle's extra
// line, so that an offline verifier holds everything it checks.
func (r *Registry) Proof(ctx context.Context, number string) ([]byte, error) {
	number = CanonicalNumber(number)
	var idx int64
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		if _, err := getTx(ctx, tx, number); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT MAX(e.tlog_index) FROM certificate_events e
			JOIN certificates c ON c.id = e.certificate_id WHERE c.number = ?`, number).Scan(&idx)
	})
	if err != nil {
		return nil, fmt.Errorf("certify: proof of %s: %w", number, err)
	}
	rec, err := r.Log.Record(ctx, idx)
	if err != nil {
		return nil, fmt.Errorf("certify: proof of %s: %w", number, err)
	}
	bundle, err := r.Log.ProofBundle(ctx, idx)
	if err != nil {
		return nil, fmt.Errorf("certify: proof of %s: %w", number, err)
	}
	p, err := tlog.ParseProof(bundle)
	if err != nil {
		return nil, fmt.Errorf("certify: proof of %s: %w", number, err)
	}
	p.Extra = rec
	return p.Marshal(), nil
}
