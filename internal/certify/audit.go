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
	_, out, err := ExpectedIndexed(ctx, db)
	return out, err
}

// ExpectedIndexed is ExpectedRecords with the log index of each record, for a log
// that other registers (SLA reports) append to as well.
func ExpectedIndexed(ctx context.Context, db *store.DB) ([]int64, [][]byte, error) {
	var (
		idx []int64
		out [][]byte
	)
	err := db.View(ctx, func(tx *store.Tx) error {
		// Each record carries the digest of the JWS current when it was logged (a
		// re-signing changes it for the records after it); '' is a row written by the
		// previous release, which logged the certificate's digest (migration 0100).
		rows, err := tx.Query(ctx, `SELECT e.tlog_index, e.kind, c.number, e.seq, e.to_status, e.reason, e.at,
			CASE WHEN e.jws_sha256 <> '' THEN e.jws_sha256 ELSE c.jws_sha256 END
			FROM certificate_events e JOIN certificates c ON c.id = e.certificate_id ORDER BY e.tlog_index`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			rec := LogRecord{Type: RecordType}
			var i int64
			if err := rows.Scan(&i, &rec.Kind, &rec.Number, &rec.Seq, &rec.Status, &rec.Reason, &rec.At, &rec.JWSSHA256); err != nil {
				return err
			}
			idx, out = append(idx, i), append(out, rec.Marshal())
		}
		return rows.Err()
	})
	if err != nil {
		return nil, nil, fmt.Errorf("certify: expected log records: %w", err)
	}
	return idx, out, nil
}
