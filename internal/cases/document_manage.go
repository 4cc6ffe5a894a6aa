package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// The applicant manages their uploads while the case is in their hands and the file
// has not been handed in: every upload of a draft, and, when the Organization has
// returned the case for completion, the uploads made since. What the Organization
// has already received stays part of the record (issue 13 item 1).

// editableSince is the instant from which c's uploads may still be removed or
// replaced, and whether any may be: the zero time for a draft, the last hand-back
// for a case returned to the applicant, and false while the Organization holds it.
func editableSince(ctx context.Context, tx *store.Tx, c *Case) (time.Time, bool, error) {
	if c.Holder != catalog.HolderApplicant || !c.ClosedAt.IsZero() {
		return time.Time{}, false, nil
	}
	if c.SubmittedAt.IsZero() {
		return time.Time{}, true, nil
	}
	var last int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(at), 0) FROM case_events WHERE case_id = ?", c.ID).Scan(&last); err != nil {
		return time.Time{}, false, fmt.Errorf("cases: %s: last hand-back: %w", c.TrackingCode, err)
	}
	return store.FromMillis(last), true, nil
}

// uploadedSince reports whether d came after the hand-back at since: strictly after,
// so that a file uploaded in the same millisecond as a submission counts as handed in.
func uploadedSince(d *Document, since time.Time) bool {
	return since.IsZero() || d.UploadedAt.After(since)
}

// editableDocument loads document id of the case behind code for p to change: the
// case's own applicant only (others learn nothing), while editableSince allows it.
func editableDocument(ctx context.Context, tx *store.Tx, p *identity.Principal, code string, id int64) (*Case, *Document, error) {
	c, err := lookup(ctx, tx, code)
	if err != nil {
		return nil, nil, err
	}
	if err := may(p, authz.Update, c, authz.Document); err != nil {
		return nil, nil, err
	}
	doc, err := loadDocument(ctx, tx, c, id)
	if err != nil {
		return nil, nil, err
	}
	since, ok, err := editableSince(ctx, tx, c)
	if err != nil {
		return nil, nil, err
	}
	if !ok || !uploadedSince(doc, since) {
		return nil, nil, problem.New(problem.Conflict, "cases.document.handed_in")
	}
	return c, doc, nil
}

// RemoveDocument deletes one of the applicant's uploads before it is handed in,
// audited; after submission it is refused with a Conflict. The blob itself stays in
// the content-addressed store, where another case may share it.
func (e *Engine) RemoveDocument(ctx context.Context, p *identity.Principal, code string, id int64) error {
	return e.update(ctx, func(tx *store.Tx) error {
		c, doc, err := editableDocument(ctx, tx, p, code, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM case_documents WHERE id = ? AND case_id = ?", doc.ID, c.ID); err != nil {
			return fmt.Errorf("cases: %s: remove document %d: %w", c.TrackingCode, doc.ID, err)
		}
		return audit.Record(ctx, tx, actor(p), "case.document_removed", "case", c.TrackingCode,
			map[string]any{"document": doc.ID, "type": doc.Type, "sha256": doc.SHA256})
	})
}

// ReplaceDocument puts a new file in place of one of the applicant's uploads before
// it is handed in: same document type, the catalog's limits for it, checked while
// streaming; the old entry goes and the new one is audited with both hashes.
func (e *Engine) ReplaceDocument(ctx context.Context, p *identity.Principal, code string, id int64, in AttachInput) (*Document, error) {
	var def catalog.Document
	var old *Document
	err := e.view(ctx, func(tx *store.Tx) error {
		c, doc, err := editableDocument(ctx, tx, p, code, id)
		if err != nil {
			return err
		}
		old = doc
		svc, k, err := e.process(ctx, c)
		if err != nil {
			return err
		}
		for _, d := range svc.DocumentsFor(k.ID, c.ApplicantType) {
			if d.ID == doc.Type {
				def = d
				return nil
			}
		}
		return problem.New(problem.Conflict, "cases.document.handed_in")
	})
	if err != nil {
		return nil, err
	}
	doc, err := e.putDocument(ctx, "replace", def, old.Type, in, p)
	if err != nil {
		return nil, err
	}
	err = e.update(ctx, func(tx *store.Tx) error {
		c, cur, err := editableDocument(ctx, tx, p, code, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM case_documents WHERE id = ? AND case_id = ?", cur.ID, c.ID); err != nil {
			return fmt.Errorf("cases: %s: replace document %d: %w", c.TrackingCode, cur.ID, err)
		}
		doc.UploadedAt = tx.Now
		doc.ID, err = tx.InsertID(ctx, `INSERT INTO case_documents (case_id, doc_type, sha256, size, mime, filename, uploaded_at, uploaded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, doc.Type, doc.SHA256, doc.Size, doc.MIME, doc.Filename,
			store.Millis(tx.Now), p.ID)
		if err != nil {
			return fmt.Errorf("cases: %s: replace document %d: %w", c.TrackingCode, cur.ID, err)
		}
		return audit.Record(ctx, tx, actor(p), "case.document_replaced", "case", c.TrackingCode,
			map[string]any{"document": doc.ID, "replaces": cur.ID, "type": doc.Type, "sha256": doc.SHA256, "old_sha256": cur.SHA256})
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// markEditable sets Editable on the documents p may still remove or replace.
func markEditable(ctx context.Context, tx *store.Tx, p *identity.Principal, c *Case, docs []Document) error {
	if !authz.Decide(p, authz.Update, c.resource(authz.Document)) {
		return nil
	}
	since, ok, err := editableSince(ctx, tx, c)
	if err != nil || !ok {
		return err
	}
	for i := range docs {
		docs[i].Editable = uploadedSince(&docs[i], since)
	}
	return nil
}
