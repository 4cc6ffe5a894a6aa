package slareport

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// Indexed is a record the transparency log should hold at Index.
type Indexed struct {
	Index  int64
	Record []byte
}

// ExpectedRecords rebuilds, from the report and statement tables alone, the log
// records they put in the log and where, so that `miz log audit` can hold the log
// to them beside the certificates' records.
func ExpectedRecords(ctx context.Context, db *store.DB) ([]Indexed, error) {
	var out []Indexed
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT tlog_index, service, period, version, replaces, created_at, jws_sha256 FROM sla_reports`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var idx int64
			rec := LogRecord{Type: ReportType}
			if err := rows.Scan(&idx, &rec.Service, &rec.Period, &rec.Version, &rec.Replaces, &rec.At, &rec.JWSSHA256); err != nil {
				rows.Close()
				return err
			}
			rec.ID = reportID(rec.Service, rec.Period, rec.Version)
			out = append(out, Indexed{idx, rec.Marshal()})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT tlog_index, created_at, jws FROM case_statements`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				idx int64
				jws string
			)
			rec := StatementRecord{Type: StatementType}
			if err := rows.Scan(&idx, &rec.At, &jws); err != nil {
				return err
			}
			rec.JWSSHA256 = sha256Hex(jws)
			b, _ := json.Marshal(rec)
			out = append(out, Indexed{idx, b})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("slareport: expected log records: %w", err)
	}
	return out, nil
}
