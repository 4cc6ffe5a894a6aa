package application

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestCertifyExpertIsOfferedTheChecklistNotBarePassFail (architecture #12, C-4.3):
// in technical review the expert's case view offers the review as a link to the
// checklist on the application's page, never pass_review or fail_criteria as bare
// steps; the applicant sees the application's page and no review at all.
func TestCertifyExpertIsOfferedTheChecklistNotBarePassFail(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran())
		e := &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Docs: docs, Now: func() time.Time { return now },
			Modules: map[string]cases.Module{"certify": &Module{}}}
		b := fixtures.New(t, db, nil)
		org := b.OrgApplicant("company", "legal")
		expert := b.Staff("expert", map[string][]identity.Role{"certify": {identity.Expert}})
		c, err := e.Open(ctx, org, cases.OpenInput{Service: "certify", Kind: Kind, Form: []byte(`{"product_name_fa":"حسابداری کارا",
			"version":"2.1","category":"payroll","deployment":"cloud","contact_name":"مریم","contact_email":"m@example.org"}`)})
		if err != nil {
			t.Fatal(err)
		}
		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"} {
			pdf := "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + typ + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
			if _, err := e.AttachDocument(ctx, org, c.TrackingCode, cases.AttachInput{Type: typ, Filename: typ + ".pdf",
				Declared: "application/pdf", Body: bytes.NewReader([]byte(pdf))}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.Submit(ctx, org, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Transition(ctx, expert, c.TrackingCode, cases.TransitionInput{Transition: "accept_documents"}); err != nil {
			t.Fatal(err)
		}
		v, err := e.CaseView(ctx, expert, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		var review cases.Action
		for _, a := range v.Actions {
			got = append(got, a.ID+":"+string(a.Kind))
			if a.ID == ActionReview {
				review = a
			}
		}
		if want := "certify-review:link certify-details:page claim:claim message:message internal_note:internal_note"; strings.Join(got, " ") != want {
			t.Fatalf("expert in review is offered %q, want %q", strings.Join(got, " "), want)
		}
		if review.Path != "/cases/"+c.TrackingCode+"/certify#certify-review" || review.Label != "certify.app.review_there" {
			t.Fatalf("review action %+v", review)
		}
		// The transitions themselves stay in Next: the API takes them with a checklist.
		var next []string
		for _, tr := range v.Next {
			next = append(next, tr.ID)
		}
		if strings.Join(next, " ") != "fail_criteria pass_review" {
			t.Fatalf("next transitions %v", next)
		}
		v, err = e.CaseView(ctx, org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, a := range v.Actions {
			got = append(got, a.ID+":"+string(a.Kind))
		}
		if want := "certify-details:page message:message"; strings.Join(got, " ") != want {
			t.Fatalf("applicant in review is offered %q, want %q", strings.Join(got, " "), want)
		}
	})
}
