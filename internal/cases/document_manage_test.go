package cases

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// docID returns the ID of the case's only document of type typ, as its applicant sees it.
func (f *fixture) docID(t *testing.T, code, typ string) int64 {
	t.Helper()
	docs, err := f.e.Documents(context.Background(), f.org, code)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Type == typ {
			return d.ID
		}
	}
	t.Fatalf("no %s on %s", typ, code)
	return 0
}

// TestOpenDocumentAuditsStaffViews_Issue13: the applicant and the service's staff
// open a document; every staff view leaves an audit entry, the applicant's own
// reading does not; another applicant and staff of another service are told the
// case does not exist, and nothing is recorded for them.
func TestOpenDocumentAuditsStaffViews_Issue13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		id := f.docID(t, c.TrackingCode, "user_manual")
		views := func() int {
			return countRows(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.document_viewed' AND object_id = ?", c.TrackingCode)
		}
		for _, p := range []*identity.Principal{f.org, f.expert, f.signer} {
			doc, body, err := f.e.OpenDocument(ctx, p, c.TrackingCode, id)
			if err != nil {
				t.Fatalf("account %d: %v", p.ID, err)
			}
			b, _ := io.ReadAll(body)
			body.Close()
			if doc.Type != "user_manual" || !bytes.Equal(b, samplePDF(c.TrackingCode+"user_manual")) {
				t.Fatalf("account %d read %s: %q", p.ID, doc.Type, b)
			}
		}
		if n := views(); n != 2 {
			t.Fatalf("staff views audited = %d, want 2 (expert and signer, not the applicant)", n)
		}
		for _, p := range []*identity.Principal{f.person, f.gov, f.responder, f.certExpert} {
			_, _, err := f.e.OpenDocument(ctx, p, c.TrackingCode, id)
			wantCode(t, err, problem.NotFound, "cases.not_found")
		}
		_, _, err := f.e.OpenDocument(ctx, f.expert, c.TrackingCode, id+1000)
		wantCode(t, err, problem.NotFound, "cases.document.not_found")
		if n := views(); n != 2 {
			t.Fatalf("refused views audited: %d entries, want 2", n)
		}
	})
}

// TestApplicantRemovesAndReplacesBeforeSubmit_Issue13: in a draft the applicant
// removes and replaces uploads, each audited; staff may not; after submission both
// are refused and the documents stay as handed in.
func TestApplicantRemovesAndReplacesBeforeSubmit_Issue13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.open(t, f.org, "certify", "application")
		f.attach(t, f.org, c.TrackingCode, orgDocs...)
		manual := f.docID(t, c.TrackingCode, "user_manual")
		wantCode(t, f.e.RemoveDocument(ctx, f.expert, c.TrackingCode, manual), problem.Forbidden, "cases.forbidden")
		wantCode(t, f.e.RemoveDocument(ctx, f.person, c.TrackingCode, manual), problem.NotFound, "cases.not_found")
		if err := f.e.RemoveDocument(ctx, f.org, c.TrackingCode, manual); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.e.RemoveDocument(ctx, f.org, c.TrackingCode, manual), problem.NotFound, "cases.document.not_found")
		// Without the required manual the draft cannot be submitted.
		if _, err := f.e.Submit(ctx, f.org, c.TrackingCode); err == nil {
			t.Fatal("submitted without the user manual")
		}
		f.attach(t, f.org, c.TrackingCode, "user_manual")
		gazette := f.docID(t, c.TrackingCode, "official_gazette")
		_, err := f.e.ReplaceDocument(ctx, f.org, c.TrackingCode, gazette, AttachInput{Filename: "g.txt", Body: bytes.NewReader([]byte("not a pdf"))})
		wantCode(t, err, problem.Unsupported, "")
		doc, err := f.e.ReplaceDocument(ctx, f.org, c.TrackingCode, gazette, AttachInput{Filename: "gazette-2.pdf",
			Declared: "application/pdf", Body: bytes.NewReader(samplePDF("v2"))})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Type != "official_gazette" || doc.ID == gazette || doc.Filename != "gazette-2.pdf" {
			t.Fatalf("replacement = %+v", doc)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM case_documents WHERE case_id = ?", c.ID); n != len(orgDocs) {
			t.Fatalf("documents = %d, want %d", n, len(orgDocs))
		}
		for _, action := range []string{"case.document_removed", "case.document_replaced"} {
			if n := countRows(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object_id = ?", action, c.TrackingCode); n != 1 {
				t.Fatalf("%s audited %d times, want 1", action, n)
			}
		}
		v, err := f.e.CaseView(ctx, f.org, c.TrackingCode)
		if err != nil || !v.Documents[0].Editable {
			t.Fatalf("draft documents not editable: %v", err)
		}

		f.clock.Add(time.Minute)
		if _, err := f.e.Submit(ctx, f.org, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.e.RemoveDocument(ctx, f.org, c.TrackingCode, doc.ID), problem.Conflict, "cases.document.handed_in")
		_, err = f.e.ReplaceDocument(ctx, f.org, c.TrackingCode, doc.ID, AttachInput{Filename: "x.pdf", Body: bytes.NewReader(samplePDF("v3"))})
		wantCode(t, err, problem.Conflict, "cases.document.handed_in")

		// Returned for completion: what was handed in stays; a new upload may go.
		f.clock.Add(time.Minute)
		if _, err := f.e.ReturnIncomplete(ctx, f.expert, c.TrackingCode, ReturnInput{Items: []Deficiency{{Item: "user_manual", Note: "ناخوانا"}}}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
		wantCode(t, f.e.RemoveDocument(ctx, f.org, c.TrackingCode, doc.ID), problem.Conflict, "cases.document.handed_in")
		fresh, err := f.e.AttachDocument(ctx, f.org, c.TrackingCode, AttachInput{Type: "user_manual", Filename: "m2.pdf",
			Declared: "application/pdf", Body: bytes.NewReader(samplePDF("m2"))})
		if err != nil {
			t.Fatal(err)
		}
		v, err = f.e.CaseView(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range v.Documents {
			if d.Editable != (d.ID == fresh.ID) {
				t.Fatalf("document %d editable = %v", d.ID, d.Editable)
			}
		}
		if err := f.e.RemoveDocument(ctx, f.org, c.TrackingCode, fresh.ID); err != nil {
			t.Fatal(err)
		}
	})
}
