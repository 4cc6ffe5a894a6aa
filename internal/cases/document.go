package cases

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Document is one file attached to a case (D-1: stored whole, never public).
type Document struct {
	ID         int64
	Type       string // the catalog document ID
	SHA256     string
	Size       int64
	MIME       string
	Filename   string
	UploadedAt time.Time
	UploadedBy int64
	// Editable marks, for the case's applicant, an upload they may still remove or
	// replace (not yet handed in to the Organization).
	Editable bool
}

// AttachInput is one upload.
type AttachInput struct {
	// Type is the catalog document ID, e.g. "user_manual".
	Type string
	// Filename and Declared (the Content-Type) are the client's claims; the store
	// checks both against the content.
	Filename, Declared string
	Body               io.Reader
}

// AttachDocument streams an upload into the blob store and attaches it to the case.
// Only the document types the catalog lists for the case's service, kind and
// applicant type are accepted (SLA C-4.2, A-4.1); anything else is refused with a
// message naming the allowed ones. Size and file type limits come from the catalog
// and are enforced while streaming. The applicant uploads while they hold the case.
func (e *Engine) AttachDocument(ctx context.Context, p *identity.Principal, code string, in AttachInput) (*Document, error) {
	var c *Case
	var def catalog.Document
	err := e.view(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = lookup(ctx, tx, code); err != nil {
			return err
		}
		if err := may(p, authz.Update, c, authz.Case); err != nil {
			return err
		}
		if c.Holder != catalog.HolderApplicant {
			return problem.New(problem.Conflict, "cases.document.not_now")
		}
		svc, k, err := e.process(ctx, c)
		if err != nil {
			return err
		}
		listed := svc.DocumentsFor(k.ID, c.ApplicantType)
		var names []string
		for _, d := range listed {
			if d.ID == in.Type {
				def = d
				return nil
			}
			names = append(names, d.Name.FA+" ("+d.ID+")")
		}
		return problem.Field("type", "cases.document.not_listed", in.Type, strings.Join(names, "، "))
	})
	if err != nil {
		return nil, err
	}
	doc, err := e.putDocument(ctx, "attach", def, def.ID, in, p)
	if err != nil {
		return nil, err
	}
	err = e.update(ctx, func(tx *store.Tx) error {
		cur, err := loadCase(ctx, tx, c.TrackingCode)
		if err != nil {
			return err
		}
		if cur.Holder != catalog.HolderApplicant {
			return problem.New(problem.Conflict, "cases.document.not_now")
		}
		doc.UploadedAt = tx.Now
		doc.ID, err = tx.InsertID(ctx, `INSERT INTO case_documents (case_id, doc_type, sha256, size, mime, filename, uploaded_at, uploaded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, cur.ID, doc.Type, doc.SHA256, doc.Size, doc.MIME, doc.Filename,
			store.Millis(tx.Now), p.ID)
		if err != nil {
			return fmt.Errorf("cases: %s: attach: %w", cur.TrackingCode, err)
		}
		return audit.Record(ctx, tx, actor(p), "case.document_attached", "case", cur.TrackingCode,
			map[string]any{"type": doc.Type, "sha256": doc.SHA256, "size": doc.Size})
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// uploadProblem turns a store rejection into a localisable error.
func uploadProblem(err error) error {
	var re *documents.RejectError
	if !errors.As(err, &re) {
		return fmt.Errorf("cases: attach: %w", err)
	}
	code := problem.Invalid
	switch re.Reason {
	case documents.ErrTooLarge:
		code = problem.TooLarge
	case documents.ErrTypeNotAllowed, documents.ErrTypeMismatch:
		code = problem.Unsupported
	}
	return &problem.Error{Code: code, Key: "cases.upload." + string(re.Reason), Field: "file",
		Args: []any{strings.Join(re.Allowed, ", "), fmt.Sprintf("%d MB", (re.Limit+(1<<20)-1)>>20)}, Err: err}
}

// cleanFilename keeps the base name a client sent, for display only, without
// control characters or bidi overrides: a name shown on a page must read the way
// it is stored (Security #11 item 11).
func cleanFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = persian.StripBidi(name)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if len(name) > 200 {
		name = strings.ToValidUTF8(name[:200], "")
	}
	return name
}

// Documents lists a case's documents to its applicant and the service's staff,
// marking those the applicant may still remove or replace.
func (e *Engine) Documents(ctx context.Context, p *identity.Principal, code string) ([]Document, error) {
	var out []Document
	err := e.view(ctx, func(tx *store.Tx) error {
		c, err := e.lookupFor(ctx, tx, p, code, authz.View, authz.Document)
		if err != nil {
			return err
		}
		if out, err = loadDocuments(ctx, tx, c); err != nil {
			return err
		}
		return markEditable(ctx, tx, p, c, out)
	})
	return out, err
}

// loadDocuments reads a case's documents, oldest first; the caller checks access.
func loadDocuments(ctx context.Context, tx *store.Tx, c *Case) ([]Document, error) {
	rows, err := tx.Query(ctx, `SELECT id, doc_type, sha256, size, mime, filename, uploaded_at, uploaded_by
		FROM case_documents WHERE case_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: %s: documents: %w", c.TrackingCode, err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var at int64
		if err := rows.Scan(&d.ID, &d.Type, &d.SHA256, &d.Size, &d.MIME, &d.Filename, &at, &d.UploadedBy); err != nil {
			return nil, fmt.Errorf("cases: %s: documents: %w", c.TrackingCode, err)
		}
		d.UploadedAt = store.FromMillis(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// putDocument streams an upload (in) into the blob store under the catalog's limits
// for def and returns the document, of type typ, still to be written to the case.
// op names the use case in an error of configuration.
func (e *Engine) putDocument(ctx context.Context, op string, def catalog.Document, typ string, in AttachInput, p *identity.Principal) (*Document, error) {
	if e.Docs == nil {
		return nil, fmt.Errorf("cases: %s: no document store configured", op)
	}
	blob, err := e.Docs.Put(ctx, in.Body, documents.Limits{MaxBytes: int64(def.MaxSize), Allowed: def.Types,
		Declared: in.Declared, Filename: in.Filename})
	if err != nil {
		return nil, uploadProblem(err)
	}
	return &Document{Type: typ, SHA256: blob.SHA256, Size: blob.Size, MIME: blob.MIME,
		Filename: cleanFilename(in.Filename), UploadedBy: p.ID}, nil
}
