package certify

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// ExpectedRecords rebuilds, from the certificate tables alone, every record the
// transparency log should hold, in log order, for tlog's AuditAgainst: a row edited
// in either place shows up as a divergence.
func ExpectedRecords(ctx context.Context, db *store.DB) ([][]byte, error) {
	var out [][]byte
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT e.kind, c.number, e.seq, e.to_status, e.reason, e.at, c.jws_sha256
			FROM certificate_events e JOIN certificates c ON c.id = e.certificate_id ORDER BY e.tlog_index`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			rec := LogRecord{Type: RecordType}
			if err := rows.Scan(&rec.Kind, &rec.Number, &rec.Seq, &rec.Status, &rec.Reason, &rec.At, &rec.JWSSHA256); err != nil {
				return err
			}
			out = append(out, rec.Marshal())
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("certify: expected log records: %w", err)
	}
	return out, nil
}
