package course

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
)

// Resign signs every active certificate of attendance whose JWS was made by a key
// needs names, again with the active key (issue 19), batch certificates a
// transaction: same payload, new signature, a "resigned" record in the transparency
// log with the new digest (the certificate's proof then proves it), an audit entry.
// Safe to repeat: what is done is not done again. dryRun only counts. progress, if
// set, is told after each batch (certificates looked at, of all active, re-signed).
func (s *Courses) Resign(ctx context.Context, needs func(kid string) bool, batch int, dryRun bool, actor string,
	progress func(seen, total, resigned int)) (int, error) {
	if batch <= 0 {
		batch = 200
	}
	var total int
	if err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM course_certificates WHERE status = 'active'`).Scan(&total)
	}); err != nil {
		return 0, fmt.Errorf("course: resign: %w", err)
	}
	type row struct {
		id          int64
		number, jws string
		sum         string
	}
	var after int64
	seen, resigned := 0, 0
	for {
		var n, done int
		err := s.DB.Update(ctx, func(tx *store.Tx) error {
			n, done = 0, 0
			rows, err := tx.Query(ctx, `SELECT id, number, jws, jws_sha256 FROM course_certificates
				WHERE id > ? AND status = 'active' ORDER BY id LIMIT ?`, after, batch)
			if err != nil {
				return err
			}
			var todo []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.number, &r.jws, &r.sum); err != nil {
					rows.Close()
					return err
				}
				todo = append(todo, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range todo {
				n++
				after = r.id
				kid := keys.KidOf(r.jws)
				if !needs(kid) {
					continue
				}
				done++
				if dryRun {
					continue
				}
				if err := s.resignOne(ctx, tx, r.id, r.number, r.jws, r.sum, kid, actor); err != nil {
					return err
				}
			}
			if done > 0 && !dryRun {
				s.checkpointAfter(ctx, tx)
			}
			return nil
		})
		if err != nil {
			return resigned, fmt.Errorf("course: resign: %w", err)
		}
		if n == 0 {
			return resigned, nil
		}
		seen, resigned = seen+n, resigned+done
		if progress != nil {
			progress(seen, max(total, seen), resigned)
		}
	}
}

func (s *Courses) resignOne(ctx context.Context, tx *store.Tx, id int64, number, jws, sum, kid, actor string) error {
	if sha256Hex(jws) != sum {
		return fmt.Errorf("%s: the stored JWS does not match its digest; run `miz log audit` first", number)
	}
	next, _, err := s.Keys.Resign(jws)
	if err != nil {
		return fmt.Errorf("%s: %w", number, err)
	}
	// A certificate issued by the previous release has no record row yet: write its
	// issuance first, from the row as it is, or the rebuilt log would lose it.
	if _, err := tx.Exec(ctx, `INSERT INTO course_certificate_records (tlog_index, certificate_id, kind, at, jws_sha256)
		SELECT tlog_index, id, 'issue', issued_at, jws_sha256 FROM course_certificates k WHERE k.id = ?
		AND NOT EXISTS (SELECT 1 FROM course_certificate_records r WHERE r.certificate_id = k.id)`, id); err != nil {
		return fmt.Errorf("%s: %w", number, err)
	}
	nextSum := sha256Hex(next)
	at := store.Millis(tx.Now)
	rec := LogRecord{Type: RecordType, Kind: "resigned", Number: number, Status: "active", At: at, JWSSHA256: nextSum}
	idx, err := s.Log.Append(ctx, tx, rec.Marshal())
	if err != nil {
		return fmt.Errorf("%s: log: %w", number, err)
	}
	res, err := tx.Exec(ctx, `UPDATE course_certificates SET jws = ?, jws_sha256 = ?, tlog_index = ? WHERE id = ? AND jws_sha256 = ?`,
		next, nextSum, idx, id, sum)
	if err != nil {
		return fmt.Errorf("%s: %w", number, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("%s: changed while it was being re-signed; run again", number)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO course_certificate_records (tlog_index, certificate_id, kind, at, jws_sha256)
		VALUES (?, ?, 'resigned', ?, ?)`, idx, id, at, nextSum); err != nil {
		return fmt.Errorf("%s: %w", number, err)
	}
	return audit.Record(ctx, tx, actor, "course.certificate.resigned", "course_certificate", number, map[string]any{
		"from_key": kid, "to_key": keys.KidOf(next), "previous_sha256": sum, "sha256": nextSum, "tlog_index": idx})
}
