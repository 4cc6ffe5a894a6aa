package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// blobReader is the part of a document store that reads a blob back; documents.Store
// has it, while BlobStore only asks for writing.
type blobReader interface {
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// OpenDocument opens one of a case's documents for reading: to the case's applicant,
// and to the service's staff (D-1, the authz policy's Document view). Every time
// somebody other than the applicant opens a file, the audit log records who opened
// which document of which case, in the same transaction that checked the permission
// (issue 13 item 1). Others are told the case does not exist. The caller closes body.
func (e *Engine) OpenDocument(ctx context.Context, p *identity.Principal, code string, id int64) (*Document, io.ReadCloser, error) {
	blobs, ok := e.Docs.(blobReader)
	if !ok {
		return nil, nil, problem.Wrap(problem.Unavailable, "error.unavailable", problem.ErrUnavailable)
	}
	var doc *Document
	err := e.update(ctx, func(tx *store.Tx) error {
		c, err := lookup(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := may(p, authz.View, c, authz.Document); err != nil {
			return err
		}
		if doc, err = loadDocument(ctx, tx, c, id); err != nil {
			return err
		}
		if authz.Decide(p, authz.Update, c.resource(authz.Document)) {
			return nil // the applicant reading their own upload
		}
		return audit.Record(ctx, tx, actor(p), "case.document_viewed", "case", c.TrackingCode,
			map[string]any{"document": doc.ID, "type": doc.Type, "sha256": doc.SHA256})
	})
	if err != nil {
		return nil, nil, err
	}
	// One rule for both adapters (issue 12): content the store no longer holds is
	// NotFound (404); a store that cannot be reached is Unavailable (503).
	body, err := blobs.Open(ctx, doc.SHA256)
	switch {
	case errors.Is(err, documents.ErrNotFound):
		return nil, nil, problem.Wrap(problem.NotFound, "error.not_found", err)
	case err != nil:
		return nil, nil, problem.Wrap(problem.Unavailable, "error.unavailable",
			errors.Join(problem.ErrUnavailable, fmt.Errorf("cases: %s: open document %d: %w", code, id, err)))
	}
	return doc, body, nil
}

// loadDocument reads document id of case c; a document of another case is not found.
func loadDocument(ctx context.Context, tx *store.Tx, c *Case, id int64) (*Document, error) {
	var d Document
	var at int64
	err := tx.QueryRow(ctx, `SELECT id, doc_type, sha256, size, mime, filename, uploaded_at, uploaded_by
		FROM case_documents WHERE case_id = ? AND id = ?`, c.ID, id).
		Scan(&d.ID, &d.Type, &d.SHA256, &d.Size, &d.MIME, &d.Filename, &at, &d.UploadedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "cases.document.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("cases: %s: document %d: %w", c.TrackingCode, id, err)
	}
	d.UploadedAt = store.FromMillis(at)
	return &d, nil
}
