package tlog_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/tlog"
)

func TestProofBundleVerifiesOfflineAndRejectsForgeries(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, key := newLog(t, db)
		growInBatches(t, db, l, 40)
		bundle, err := l.ProofBundle(ctx, 17)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(bundle, []byte("c2sp.org/tlog-proof@v1\nindex 17\n")) {
			t.Fatalf("bundle does not start as c2sp.org/tlog-proof:\n%s", bundle)
		}
		if err := tlog.VerifyProof(bundle, record(17), key.verifier); err != nil {
			t.Fatalf("genuine bundle: %v\n%s", err, bundle)
		}

		p, err := tlog.ParseProof(bundle)
		if err != nil {
			t.Fatal(err)
		}
		altered := p
		altered.Hashes = append(altered.Hashes[:0:0], p.Hashes...)
		altered.Hashes[1][0] ^= 1
		shifted := p
		shifted.Index = 16
		sameName := newKey(t, testOrigin)
		otherLog := newKey(t, "example.org/another-log")
		tamperedCheckpoint := bytes.Replace(bundle, []byte("\n40\n"), []byte("\n41\n"), 1)

		for _, tc := range []struct {
			name   string
			bundle []byte
			record []byte
			key    logKey
			want   error
		}{
			{"another record", bundle, record(18), key, tlog.ErrNotIncluded},
			{"altered proof hash", altered.Marshal(), record(17), key, tlog.ErrNotIncluded},
			{"another index", shifted.Marshal(), record(17), key, tlog.ErrNotIncluded},
			{"another log's key", bundle, record(17), otherLog, tlog.ErrWrongLog},
			{"another key with the same name", bundle, record(17), sameName, tlog.ErrWrongLog},
			{"altered checkpoint", tamperedCheckpoint, record(17), key, tlog.ErrBadSignature},
			{"not a proof", []byte("hello\n"), record(17), key, tlog.ErrMalformed},
			{"truncated", bundle[:40], record(17), key, tlog.ErrMalformed},
			{"index with leading zero", bytes.Replace(bundle, []byte("index 17"), []byte("index 017"), 1), record(17), key, tlog.ErrMalformed},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := tlog.VerifyProof(tc.bundle, tc.record, tc.key.verifier)
				if !errors.Is(err, tc.want) {
					t.Fatalf("err %v, want %v", err, tc.want)
				}
			})
		}
	})
}

func TestProofBundleAcceptsExtraLineAndRoundTrips(t *testing.T) {
	db := storetest.OpenSQLite(t)
	l, key := newLog(t, db)
	growInBatches(t, db, l, 5)
	bundle, err := l.ProofBundle(context.Background(), 4)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := tlog.ParseProof(bundle)
	p.Extra = []byte("certificate C-00004")
	withExtra := p.Marshal()
	if !strings.Contains(string(withExtra), "\nextra "+base64.StdEncoding.EncodeToString(p.Extra)+"\nindex 4\n") {
		t.Fatalf("extra line misplaced:\n%s", withExtra)
	}
	if err := tlog.VerifyProof(withExtra, record(4), key.verifier); err != nil {
		t.Fatal(err)
	}
	back, err := tlog.ParseProof(withExtra)
	if err != nil || string(back.Extra) != string(p.Extra) || !bytes.Equal(back.Marshal(), withExtra) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
}

func TestCheckpointAfterKeyRotationKeepsOldBundlesVerifiable(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	l, oldKey := newLog(t, db)
	growInBatches(t, db, l, 10)
	oldBundle, err := l.ProofBundle(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	newKey := newKey(t, testOrigin)
	rotated := tlog.New(db, testOrigin, newKey.signer, newKey.verifier)
	cp, err := rotated.Checkpoint(ctx) // same size: the kept note is signed again
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tlog.OpenCheckpoint(cp, newKey.verifier); err != nil {
		t.Fatalf("checkpoint after rotation: %v", err)
	}
	if err := tlog.VerifyProof(oldBundle, record(3), oldKey.verifier, newKey.verifier); err != nil {
		t.Fatalf("old bundle with both keys: %v", err)
	}
	if err := tlog.VerifyProof(oldBundle, record(3), newKey.verifier); !errors.Is(err, tlog.ErrWrongLog) {
		t.Fatalf("old bundle with the new key only: %v", err)
	}
}

func TestCheckpointRefusesToSignAnInconsistentTree(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _ := newLog(t, db)
		growInBatches(t, db, l, 20)
		if _, err := l.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		// The root of the first 16 leaves is read for every later tree hash.
		corrupt(t, db, "UPDATE tlog_hashes SET hash = ? WHERE idx = ?", make([]byte, 32), xtlog.StoredHashIndex(4, 0))
		appendRecords(t, db, l, 20, 21)
		if _, err := l.Checkpoint(ctx); !errors.Is(err, tlog.ErrInconsistent) {
			t.Fatalf("checkpoint over a rewritten tree: %v", err)
		}
	})
}

// corrupt runs a statement that no code path of the log would ever run.
func corrupt(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
