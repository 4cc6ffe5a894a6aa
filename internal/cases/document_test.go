package cases

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestUploadRefusesUnlistedDocument_C42: a person may not upload a company-only
// document, nor one the catalog never lists; the refusal names the allowed ones and
// nothing is stored.
func TestUploadRefusesUnlistedDocument_C42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.open(t, f.person, "certify", "application")
		for _, typ := range []string{"official_gazette", "passport_scan"} {
			_, err := f.e.AttachDocument(ctx, f.person, c.TrackingCode, AttachInput{Type: typ, Filename: "a.pdf",
				Body: bytes.NewReader(samplePDF(typ))})
			wantCode(t, err, problem.Invalid, "cases.document.not_listed")
			var pe *problem.Error
			errors.As(err, &pe)
			mustContain(t, pe.Args[1].(string), "national_card")
			if pe.Field != "type" {
				t.Fatalf("field = %q, want type", pe.Field)
			}
		}
		docs, err := f.e.Documents(ctx, f.person, c.TrackingCode)
		if err != nil || len(docs) != 0 {
			t.Fatalf("documents = %v, %v; want none", docs, err)
		}
	})
}

// TestUploadChecksTypeByContent_A41: a file whose content is not of the catalog's
// types is refused with the upload's own message.
func TestUploadChecksTypeByContent_A41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.open(t, f.org, "certify", "application")
		_, err := f.e.AttachDocument(ctx, f.org, c.TrackingCode, AttachInput{Type: "official_gazette", Filename: "gazette.txt",
			Body: bytes.NewReader([]byte("plain text, not a PDF\n"))})
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key[:13] != "cases.upload." {
			t.Fatalf("err = %v, want an upload refusal", err)
		}
		f.attach(t, f.org, c.TrackingCode, "official_gazette")
		docs, err := f.e.Documents(ctx, f.org, c.TrackingCode)
		if err != nil || len(docs) != 1 || docs[0].MIME != "application/pdf" || docs[0].Size == 0 {
			t.Fatalf("documents = %+v, %v", docs, err)
		}
		// Staff may read the documents (D-1 within the Organization); others may not.
		if _, err := f.e.Documents(ctx, f.expert, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		_, err = f.e.Documents(ctx, f.person, c.TrackingCode)
		wantCode(t, err, problem.NotFound, "cases.not_found")
	})
}

// TestNoUploadWhileWithOrganization: documents change only while the applicant
// holds the case, so staff never review a moving target.
func TestNoUploadWhileWithOrganization(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.submitted(t)
		_, err := f.e.AttachDocument(context.Background(), f.org, c.TrackingCode, AttachInput{Type: "user_manual",
			Filename: "m.pdf", Body: bytes.NewReader(samplePDF("late"))})
		wantCode(t, err, problem.Conflict, "cases.document.not_now")
	})
}
