package advisory

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// File is a hardening-guide package attached to an advisory.
type File struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Size    int64     `json:"size"`
	MIME    string    `json:"mime"`
	AddedAt time.Time `json:"added_at"`
	SHA256  string    `json:"sha256"`
}

// packageLimits are the packages an advisory may carry: archives and documents.
func packageLimits(name string) documents.Limits {
	return documents.Limits{MaxBytes: 50 << 20, Allowed: []string{documents.TypeZIP, documents.TypePDF, documents.TypeTXT}, Filename: name}
}

func loadFiles(ctx context.Context, tx *store.Tx, id int64) ([]File, error) {
	rows, err := tx.Query(ctx, "SELECT id, name, size, mime, added_at, sha256 FROM cert_advisory_files WHERE advisory_id = ? ORDER BY id", id)
	if err != nil {
		return nil, fmt.Errorf("advisory: files of %d: %w", id, err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		var at int64
		if err := rows.Scan(&f.ID, &f.Name, &f.Size, &f.MIME, &at, &f.SHA256); err != nil {
			return nil, fmt.Errorf("advisory: files of %d: %w", id, err)
		}
		f.AddedAt = store.FromMillis(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Attach stores a hardening-guide package (zip, pdf or text) for advisory id; the
// blob store checks its content, and a refused file changes nothing.
func (s *Service) Attach(ctx context.Context, p *identity.Principal, id int64, name string, r io.Reader) (*File, error) {
	if err := mustEdit(p); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(persian.Normalize(path.Base(strings.ReplaceAll(name, `\`, "/"))))
	if name == "" || name == "." || name == "/" {
		return nil, problem.Field("file", "advisory.file.required")
	}
	if err := s.DB.View(ctx, func(tx *store.Tx) error { _, err := loadRow(ctx, tx, id); return err }); err != nil {
		return nil, err
	}
	blob, err := s.Docs.Put(ctx, r, packageLimits(name))
	if err != nil {
		return nil, &problem.Error{Code: problem.Invalid, Key: "advisory.file.refused", Field: "file", Err: err}
	}
	f := File{Name: name, Size: blob.Size, MIME: blob.MIME, SHA256: blob.SHA256}
	err = s.update(ctx, func(tx *store.Tx) error {
		f.AddedAt = tx.Now
		f.ID, err = tx.InsertID(ctx, `INSERT INTO cert_advisory_files (advisory_id, name, sha256, size, mime, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, name, blob.SHA256, blob.Size, blob.MIME, p.ID, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("advisory: attach to %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "advisory.attach", "advisory", fmt.Sprint(id),
			map[string]any{"file": name, "sha256": blob.SHA256, "size": blob.Size})
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// OpenFile opens a package of a published advisory p may read (editors may open
// those of drafts too). The caller closes the reader.
func (s *Service) OpenFile(ctx context.Context, p *identity.Principal, trackingOrID string, fileID int64) (*File, io.ReadCloser, error) {
	var f File
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var advID int64
		if err := tx.QueryRow(ctx, "SELECT advisory_id, name, size, mime, sha256 FROM cert_advisory_files WHERE id = ?", fileID).
			Scan(&advID, &f.Name, &f.Size, &f.MIME, &f.SHA256); err != nil {
			return notFound()
		}
		f.ID = fileID
		r, err := loadRow(ctx, tx, advID)
		if err != nil {
			return err
		}
		if IsEditor(p) && (trackingOrID == fmt.Sprint(advID) || trackingOrID == r.TrackingID) {
			return nil
		}
		if r.Revision == 0 || !strings.EqualFold(trackingOrID, r.TrackingID) || !mayRead(p, r.TLP) {
			return notFound()
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.Docs.Open(ctx, f.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("advisory: open file %d: %w", fileID, err)
	}
	return &f, rc, nil
}
