package course

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

const certColumns = `k.number, k.status, k.course_id, c.title_fa, c.title_en, k.holder_name, k.holder_code, k.attended,
	k.sessions, k.issued_at, k.jws, k.jws_sha256, k.tlog_index, k.account_id`

func scanCertificate(row interface{ Scan(...any) error }) (Certificate, error) {
	var k Certificate
	var code string
	var issued int64
	err := row.Scan(&k.Number, &k.Status, &k.CourseID, &k.CourseName.FA, &k.CourseName.EN, &k.HolderName, &code,
		&k.Attended, &k.Sessions, &issued, &k.JWS, &k.JWSSHA256, &k.TlogIndex, &k.accountID)
	k.HolderHint, k.IssuedAt = hint(code), store.FromMillis(issued)
	return k, err
}

// Certificate returns a certificate of attendance by number. Like CERTIFY's
// registry it is public: anyone holding the number may check it.
func (s *Courses) Certificate(ctx context.Context, number string) (*Certificate, error) {
	number = CanonicalNumber(number)
	var k Certificate
	err := s.DB.View(ctx, func(tx *store.Tx) (err error) {
		k, err = scanCertificate(tx.QueryRow(ctx, `SELECT `+certColumns+` FROM course_certificates k
			JOIN courses c ON c.id = k.course_id WHERE k.number = ?`, number))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("course.certificate.not_found")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// MyCertificates lists the certificates of attendance held by p.
func (s *Courses) MyCertificates(ctx context.Context, p *identity.Principal) ([]Certificate, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var out []Certificate
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+certColumns+` FROM course_certificates k JOIN courses c ON c.id = k.course_id
			WHERE k.account_id = ? ORDER BY k.id DESC`, p.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			k, err := scanCertificate(rows)
			if err != nil {
				return err
			}
			out = append(out, k)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("course: certificates of %d: %w", p.ID, err)
	}
	return out, nil
}

// Proof returns the c2sp.org/tlog-proof bundle of a certificate's log record, with
// the record in the bundle's extra line, exactly as CERTIFY's registry serves it.
func (s *Courses) Proof(ctx context.Context, number string) ([]byte, error) {
	k, err := s.Certificate(ctx, number)
	if err != nil {
		return nil, err
	}
	rec, err := s.Log.Record(ctx, k.TlogIndex)
	if err != nil {
		return nil, fmt.Errorf("course: proof of %s: %w", k.Number, err)
	}
	bundle, err := s.Log.ProofBundle(ctx, k.TlogIndex)
	if err != nil {
		return nil, fmt.Errorf("course: proof of %s: %w", k.Number, err)
	}
	p, err := tlog.ParseProof(bundle)
	if err != nil {
		return nil, fmt.Errorf("course: proof of %s: %w", k.Number, err)
	}
	p.Extra = rec
	return p.Marshal(), nil
}

// ExpectedRecords rebuilds, from the certificate table alone, the log records of
// certificates of attendance by their index in the log, for `miz log audit`, which
// merges them with CERTIFY's (MergeExpected).
func ExpectedRecords(ctx context.Context, db *store.DB) (map[int64][]byte, error) {
	out := map[int64][]byte{}
	err := db.View(ctx, func(tx *store.Tx) error {
		// Every record a certificate has (its issuance, then each re-signing: migration
		// 0100), and the issuance of a certificate issued by the previous release, which
		// has none there and is rebuilt from the certificate's row.
		rows, err := tx.Query(ctx, `SELECT k.number, r.kind, r.at, r.jws_sha256, r.tlog_index
			FROM course_certificate_records r JOIN course_certificates k ON k.id = r.certificate_id
			UNION ALL
			SELECT k.number, 'issue', k.issued_at, k.jws_sha256, k.tlog_index FROM course_certificates k
			WHERE NOT EXISTS (SELECT 1 FROM course_certificate_records r WHERE r.certificate_id = k.id)`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			rec := LogRecord{Type: RecordType, Status: "active"} // issued or re-signed: active then
			var idx int64
			if err := rows.Scan(&rec.Number, &rec.Kind, &rec.At, &rec.JWSSHA256, &idx); err != nil {
				return err
			}
			out[idx] = rec.Marshal()
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("course: expected log records: %w", err)
	}
	return out, nil
}

// MergeExpected places the attendance records at their indexes among the other
// records of the log (CERTIFY's, in log order), giving the whole log as expected.
func MergeExpected(others [][]byte, attendance map[int64][]byte) [][]byte {
	out := make([][]byte, 0, len(others)+len(attendance))
	for i := int64(0); len(others) > 0 || len(attendance) > 0; i++ {
		if rec, ok := attendance[i]; ok {
			out = append(out, rec)
			delete(attendance, i)
			continue
		}
		if len(others) == 0 {
			break // a gap: the log audit reports what follows as missing
		}
		out = append(out, others[0])
		others = others[1:]
	}
	return out
}
