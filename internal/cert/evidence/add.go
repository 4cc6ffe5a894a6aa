package evidence

import (
	"bufio"
	"context"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// AddInput is one piece of evidence as uploaded.
type AddInput struct {
	Filename string
	// TLP is the file's label; empty means the incident's.
	TLP         string
	Description string
	Body        io.Reader
}

const maxDescription = 2000

// Add stores a piece of evidence on an incident, encrypted, whatever it holds: it
// is not checked like an ordinary upload (a sample is expected to look like
// malware). The reporting organisation and CERT staff with need-to-know may add
// evidence until the incident is closed. A file above the catalog's per-file limit,
// or one that would take the incident above its per-incident limit, is refused with
// a field error and nothing is stored. Audited as cert.evidence.add.
func (s *Service) Add(ctx context.Context, p *identity.Principal, code string, in AddInput) (*File, error) {
	iv, err := s.Incidents.Incident(ctx, p, code)
	if err != nil {
		return nil, err
	}
	v := iv.Case
	if !v.ClosedAt.IsZero() {
		return nil, problem.New(problem.Conflict, "cert.evidence.closed")
	}
	if p.IsStaff() && !iv.Handler(p) {
		return nil, problem.New(problem.Forbidden, "cert.forbidden")
	}
	label := iv.Label
	if t := strings.TrimSpace(in.TLP); t != "" {
		if label, err = tlp.Parse(t); err != nil {
			return nil, problem.Field("tlp", "cert.tlp.invalid", t)
		}
	}
	if !iv.Sees(label) {
		// Nobody adds what they could not read back.
		return nil, problem.Field("tlp", "cert.evidence.tlp_above")
	}
	desc, err := description(in.Description)
	if err != nil {
		return nil, err
	}
	name := documents.SafeFilename(in.Filename)
	if strings.TrimSpace(in.Filename) == "" || name == "" {
		return nil, problem.Field("file", "cert.evidence.missing")
	}
	limits, err := LimitsOf(v.ServiceDef)
	if err != nil {
		return nil, err
	}
	used, err := s.used(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	room := min(limits.File, limits.Case-used)
	sp, err := s.spool(in.Body, room)
	if sp != nil {
		defer sp.discard()
	}
	switch {
	case errors.Is(err, errTooLarge) && room < limits.File:
		return nil, problem.Field("file", "cert.evidence.case_full", SizeText(limits.Case))
	case errors.Is(err, errTooLarge):
		return nil, problem.Field("file", "cert.evidence.too_large", SizeText(limits.File))
	case err != nil:
		return nil, err
	case sp.size == 0:
		return nil, problem.Field("file", "cert.evidence.empty")
	}
	f := &File{Filename: name, Size: sp.size, SHA256: sp.sum, TLP: label, Description: desc, UploadedBy: p.ID}
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		f.UploadedAt = tx.Now
		var total int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(size), 0) FROM cert_evidence WHERE case_id = ?`, v.ID).Scan(&total); err != nil {
			return fmt.Errorf("evidence: add to %s: %w", v.TrackingCode, err)
		}
		if total+f.Size > limits.Case {
			return problem.Field("file", "cert.evidence.case_full", SizeText(limits.Case))
		}
		id, err := tx.InsertID(ctx, `INSERT INTO cert_evidence (case_id, filename, size, sha256, tlp, description, key_id,
			wrapped_key, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, v.ID, f.Filename, f.Size,
			f.SHA256, f.TLP.String(), f.Description, s.Key.ID(), sp.wrapped, p.ID, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("evidence: add to %s: %w", v.TrackingCode, err)
		}
		f.ID = id
		if err := sp.store(ctx, tx, id); err != nil {
			return fmt.Errorf("evidence: add to %s: %w", v.TrackingCode, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "cert.evidence.add", "case", v.TrackingCode, map[string]any{
			"evidence": id, "size": f.Size, "sha256": f.SHA256, "tlp": f.TLP.String()})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func description(s string) (string, error) {
	if err := persian.CheckText(s, true); err != nil {
		return "", problem.Field("description", "cert.form.text")
	}
	s = strings.TrimSpace(persian.Normalize(s))
	if utf8.RuneCountInString(s) > maxDescription {
		return "", problem.Field("description", "cert.form.too_long", maxDescription)
	}
	return s, nil
}

// used is how many bytes of evidence an incident already holds.
func (s *Service) used(ctx context.Context, caseID int64) (int64, error) {
	var n int64
	err := s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COALESCE(SUM(size), 0) FROM cert_evidence WHERE case_id = ?`, caseID).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("evidence: used by case %d: %w", caseID, err)
	}
	return n, nil
}

// SizeText writes a limit for people, as the refusals say it: 200MB, 1GB.
func SizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%dMB", n>>20)
	default:
		return fmt.Sprintf("%dKB", max(1, n>>10))
	}
}

var errTooLarge = errors.New("evidence: above the limit")

// spooled is an upload encrypted chunk by chunk into a temporary file, so that no
// plaintext touches the disk and the database transaction does not wait on the
// network.
type spooled struct {
	file    *os.File
	aead    cipher.AEAD
	wrapped []byte
	size    int64
	sum     string
	chunks  int
}

// spool reads r (at most limit bytes; errTooLarge beyond) and encrypts it.
func (s *Service) spool(r io.Reader, limit int64) (*spooled, error) {
	if r == nil {
		return nil, problem.Field("file", "cert.evidence.missing")
	}
	aead, wrapped, err := s.Key.newDataKey()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "miz-evidence-*")
	if err != nil {
		return nil, fmt.Errorf("evidence: spool: %w", err)
	}
	sp := &spooled{file: f, aead: aead, wrapped: wrapped}
	h := sha256.New()
	w := bufio.NewWriter(f)
	buf := make([]byte, chunkSize)
	lr := io.LimitReader(r, max(limit, 0)+1)
	for {
		n, rerr := io.ReadFull(lr, buf)
		if n > 0 {
			sp.size += int64(n)
			if sp.size > limit {
				return sp, errTooLarge
			}
			h.Write(buf[:n])
			sealed, err := seal(aead, buf[:n], chunkAD(sp.chunks))
			if err != nil {
				return sp, fmt.Errorf("evidence: seal: %w", err)
			}
			var head [4]byte
			binary.BigEndian.PutUint32(head[:], uint32(len(sealed)))
			if _, err := w.Write(head[:]); err != nil {
				return sp, fmt.Errorf("evidence: spool: %w", err)
			}
			if _, err := w.Write(sealed); err != nil {
				return sp, fmt.Errorf("evidence: spool: %w", err)
			}
			sp.chunks++
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return sp, fmt.Errorf("evidence: read upload: %w", rerr)
		}
	}
	if err := w.Flush(); err != nil {
		return sp, fmt.Errorf("evidence: spool: %w", err)
	}
	sp.sum = hex.EncodeToString(h.Sum(nil))
	return sp, nil
}

// store writes the spooled chunks of evidence id.
func (sp *spooled) store(ctx context.Context, tx *store.Tx, id int64) error {
	if _, err := sp.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReader(sp.file)
	for seq := 0; seq < sp.chunks; seq++ {
		var head [4]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return err
		}
		data := make([]byte, binary.BigEndian.Uint32(head[:]))
		if _, err := io.ReadFull(r, data); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cert_evidence_chunks (evidence_id, seq, data) VALUES (?, ?, ?)`, id, seq, data); err != nil {
			return err
		}
	}
	return nil
}

func (sp *spooled) discard() {
	name := sp.file.Name()
	_ = sp.file.Close()
	_ = os.Remove(name)
}
