package evidence

import (
	"context"
	"fmt"
	"io"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// List returns the evidence of an incident that p may see — name, size, SHA-256
// and label, never content — and how many files were withheld by TLP. Those who
// may not read the incident get NotFound.
func (s *Service) List(ctx context.Context, p *identity.Principal, code string) ([]File, int, error) {
	iv, err := s.Incidents.Incident(ctx, p, code)
	if err != nil {
		return nil, 0, err
	}
	var all []File
	err = s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, filename, size, sha256, tlp, description, uploaded_by, uploaded_at
			FROM cert_evidence WHERE case_id = ? ORDER BY id`, iv.Case.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f File
			var label string
			var at int64
			if err := rows.Scan(&f.ID, &f.Filename, &f.Size, &f.SHA256, &label, &f.Description, &f.UploadedBy, &at); err != nil {
				return err
			}
			f.TLP, _ = tlp.Parse(label)
			f.UploadedAt = store.FromMillis(at)
			all = append(all, f)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("evidence: list %s: %w", code, err)
	}
	var out []File
	withheld := 0
	for _, f := range all {
		f.TLP = tlp.Max(f.TLP, iv.Label)
		if iv.Sees(f.TLP) {
			out = append(out, f)
		} else {
			withheld++
		}
	}
	return out, withheld, nil
}

// Open hands one piece of evidence to the staff member the incident is assigned
// to — nobody else, the reporter and supervisors included, downloads it from the
// desk — after recording the download (cert.evidence.download) in the audit log.
// The reader decrypts chunk by chunk and fails if any chunk was altered; the
// caller serves it as an attachment, never inline.
func (s *Service) Open(ctx context.Context, p *identity.Principal, code string, id int64) (*File, io.ReadCloser, error) {
	iv, err := s.Incidents.Incident(ctx, p, code)
	if err != nil {
		return nil, nil, err
	}
	files, _, err := s.List(ctx, p, code)
	if err != nil {
		return nil, nil, err
	}
	var f *File
	for i := range files {
		if files[i].ID == id {
			f = &files[i]
		}
	}
	if f == nil {
		return nil, nil, problem.New(problem.NotFound, "cert.evidence.not_found")
	}
	if !iv.Assigned(p) {
		return nil, nil, problem.New(problem.Forbidden, "cert.evidence.assigned_only")
	}
	var keyID string
	var wrapped []byte
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT key_id, wrapped_key FROM cert_evidence WHERE id = ? AND case_id = ?`, id, iv.Case.ID).
			Scan(&keyID, &wrapped); err != nil {
			return fmt.Errorf("evidence: open %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.evidence.download", "case", iv.Case.TrackingCode,
			map[string]any{"evidence": id, "sha256": f.SHA256, "size": f.Size})
	})
	if err != nil {
		return nil, nil, err
	}
	k, err := s.keyFor(keyID)
	if err != nil {
		return nil, nil, err
	}
	aead, err := k.dataKey(keyID, wrapped)
	if err != nil {
		return nil, nil, err
	}
	return f, &reader{ctx: ctx, s: s, id: id, aead: aead, left: f.Size}, nil
}

// reader decrypts a file's chunks in order, one query per chunk.
type reader struct {
	ctx  context.Context
	s    *Service
	id   int64
	aead interface {
		Open(dst, nonce, ciphertext, ad []byte) ([]byte, error)
		NonceSize() int
		Overhead() int
	}
	seq  int
	buf  []byte
	left int64
}

func (r *reader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.left <= 0 {
			return 0, io.EOF
		}
		var sealed []byte
		err := r.s.DB.ViewAt(r.ctx, r.s.now, func(tx *store.Tx) error {
			return tx.QueryRow(r.ctx, `SELECT data FROM cert_evidence_chunks WHERE evidence_id = ? AND seq = ?`, r.id, r.seq).Scan(&sealed)
		})
		if err != nil {
			return 0, fmt.Errorf("evidence: read %d chunk %d: %w", r.id, r.seq, err)
		}
		n := r.aead.NonceSize()
		if len(sealed) < n+r.aead.Overhead() {
			return 0, fmt.Errorf("evidence: read %d chunk %d: truncated", r.id, r.seq)
		}
		plain, err := r.aead.Open(nil, sealed[:n], sealed[n:], chunkAD(r.seq))
		if err != nil {
			return 0, fmt.Errorf("evidence: read %d chunk %d: %w", r.id, r.seq, err)
		}
		r.seq++
		r.left -= int64(len(plain))
		r.buf = plain
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *reader) Close() error { return nil }
