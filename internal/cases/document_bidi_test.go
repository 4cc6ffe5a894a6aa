package cases

import (
	"bytes"
	"context"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestUploadedFileNameLosesBidiOverrides: a name that uses a right-to-left override
// to pass "…exe.pdf" off as something else is stored, and so shown, without the
// override or any other bidi control (Security #11 item 11).
func TestUploadedFileNameLosesBidiOverrides(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.open(t, f.person, "certify", "application")
		name := "\u2067invoice\u202egpj.exe\u202c\u200f\u061c.pdf"
		if _, err := f.e.AttachDocument(ctx, f.person, c.TrackingCode, AttachInput{Type: "national_card", Filename: name,
			Body: bytes.NewReader(samplePDF("bidi"))}); err != nil {
			t.Fatal(err)
		}
		docs, err := f.e.Documents(ctx, f.person, c.TrackingCode)
		if err != nil || len(docs) != 1 {
			t.Fatalf("documents = %v, %v", docs, err)
		}
		if got := docs[0].Filename; got != "invoicegpj.exe.pdf" {
			t.Fatalf("stored file name %q", got)
		}
	})
}
