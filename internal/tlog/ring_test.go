package tlog_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/tlog"
)

// The wiring cmd/miz does: the checkpoint key comes from the key ring, and verifiers
// hold only the published key text.
func TestBundleFromRingKeyVerifiesWithPublishedKeyText(t *testing.T) {
	ring, err := keys.Open(t.TempDir(), func() time.Time { return time.Unix(1774000000, 0) })
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ring.NoteSigner(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	verifier, _ := ring.NoteVerifier(testOrigin)
	vkey, _ := ring.NoteVerifierKey(testOrigin)
	db := storetest.OpenSQLite(t)
	l := tlog.New(db, testOrigin, signer, verifier)
	growInBatches(t, db, l, 9)
	bundle, err := l.ProofBundle(context.Background(), 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.VerifyProofWithKeys(bundle, record(8), vkey); err != nil {
		t.Fatalf("%v\n%s", err, bundle)
	}
	if err := tlog.VerifyProofWithKeys(bundle, record(8), "not a key"); !errors.Is(err, tlog.ErrMalformed) {
		t.Fatalf("bad key text: %v", err)
	}
}
