package tlog_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"golang.org/x/mod/sumdb/note"
	xtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/tlog"
)

const testOrigin = "miz.ito.gov.ir/test-log"

// logKey is a checkpoint key pair for tests.
type logKey struct {
	signer   note.Signer
	verifier note.Verifier
}

func newKey(t testing.TB, name string) logKey {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return logKey{s, v}
}

func newLog(t testing.TB, db *store.DB) (*tlog.Log, logKey) {
	k := newKey(t, testOrigin)
	return tlog.New(db, testOrigin, k.signer, k.verifier), k
}

func record(i int) []byte { return fmt.Appendf(nil, `{"event":"issued","certificate":"C-%05d"}`, i) }

// appendRecords appends records from..to-1 in one transaction and returns the index
// Append reported.
func appendRecords(t testing.TB, db *store.DB, l *tlog.Log, from, to int) int64 {
	t.Helper()
	var recs [][]byte
	for i := from; i < to; i++ {
		recs = append(recs, record(i))
	}
	var first int64
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		var err error
		first, err = l.Append(context.Background(), tx, recs...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return first
}

// growInBatches appends records 0..n-1 in batches of irregular sizes.
func growInBatches(t testing.TB, db *store.DB, l *tlog.Log, n int) {
	t.Helper()
	sizes := []int{1, 7, 100, 3, 64, 1, 29}
	for done, i := 0, 0; done < n; i++ {
		next := min(done+sizes[i%len(sizes)], n)
		if got := appendRecords(t, db, l, done, next); got != int64(done) {
			t.Fatalf("batch starting at %d got first index %d", done, got)
		}
		done = next
	}
}

func TestAppendThenCheckpointVerifies(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, key := newLog(t, db)
		if got := appendRecords(t, db, l, 0, 3); got != 0 {
			t.Fatalf("first append at %d", got)
		}
		if got := appendRecords(t, db, l, 3, 5); got != 3 {
			t.Fatalf("second append at %d", got)
		}
		if n, err := l.Size(ctx); err != nil || n != 5 {
			t.Fatalf("size %d err %v", n, err)
		}
		rec, err := l.Record(ctx, 4)
		if err != nil || string(rec) != string(record(4)) {
			t.Fatalf("record 4: %q %v", rec, err)
		}
		if _, err := l.Record(ctx, 5); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("record past the end: %v", err)
		}
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		head, err := tlog.OpenCheckpoint(cp, key.verifier)
		if err != nil {
			t.Fatalf("checkpoint does not verify: %v\n%s", err, cp)
		}
		var hashes []xtlog.Hash
		for i := range 5 {
			hashes = append(hashes, xtlog.RecordHash(record(i)))
		}
		if want := memoryRoot(hashes); head.Size != 5 || head.Root != want || head.Origin != testOrigin {
			t.Fatalf("head %+v, want size 5 root %x", head, want)
		}
		again, err := l.Checkpoint(ctx)
		if err != nil || string(again) != string(cp) {
			t.Fatalf("second checkpoint at the same size differs (err %v)", err)
		}
	})
}

// memoryRoot computes an RFC 6962 root from leaf hashes by the recursive definition.
func memoryRoot(leaves []xtlog.Hash) xtlog.Hash {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return xtlog.NodeHash(memoryRoot(leaves[:k]), memoryRoot(leaves[k:]))
}

func TestEmptyLogCheckpoint(t *testing.T) {
	db := storetest.OpenSQLite(t)
	l, key := newLog(t, db)
	cp, err := l.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	head, err := tlog.OpenCheckpoint(cp, key.verifier)
	if err != nil || head.Size != 0 {
		t.Fatalf("empty checkpoint %+v: %v", head, err)
	}
	if want := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; string(cp[len(testOrigin)+3:len(testOrigin)+3+len(want)]) != want {
		t.Fatalf("empty tree root is not SHA-256 of nothing:\n%s", cp)
	}
}

func TestAppendRejectsOversizedRecords(t *testing.T) {
	db := storetest.OpenSQLite(t)
	l, _ := newLog(t, db)
	err := db.Update(context.Background(), func(tx *store.Tx) error {
		_, err := l.Append(context.Background(), tx, make([]byte, tlog.MaxRecordSize+1))
		return err
	})
	if !errors.Is(err, tlog.ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
}

func TestInclusionProofsVerifyForEveryLeafOf300(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _ := newLog(t, db)
		growInBatches(t, db, l, 300)
		root, err := l.Root(ctx, 300)
		if err != nil {
			t.Fatal(err)
		}
		for i := range int64(300) {
			p, err := l.InclusionProof(ctx, i, 300)
			if err != nil {
				t.Fatal(err)
			}
			if err := xtlog.CheckRecord(p, 300, root, i, xtlog.RecordHash(record(int(i)))); err != nil {
				t.Fatalf("leaf %d: %v", i, err)
			}
		}
		if _, err := l.InclusionProof(ctx, 300, 300); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("proof past the end: %v", err)
		}
		if _, err := l.InclusionProof(ctx, 0, 301); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("proof in a tree larger than the log: %v", err)
		}
	})
}

func TestConsistencyProofsBetweenRandomSizes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _ := newLog(t, db)
		growInBatches(t, db, l, 300)
		rng := mrand.New(mrand.NewPCG(1, 2))
		for range 60 {
			older := rng.Int64N(300) + 1
			newer := older + rng.Int64N(301-older)
			p, err := l.ConsistencyProof(ctx, older, newer)
			if err != nil {
				t.Fatal(err)
			}
			oldRoot, _ := l.Root(ctx, older)
			newRoot, err := l.Root(ctx, newer)
			if err != nil {
				t.Fatal(err)
			}
			if err := xtlog.CheckTree(p, newer, newRoot, older, oldRoot); err != nil {
				t.Fatalf("%d→%d: %v", older, newer, err)
			}
		}
	})
}

func TestConcurrentAppendsSerialise(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _ := newLog(t, db)
		const workers, each = 6, 10
		errs := make(chan error, workers)
		for w := range workers {
			go func() {
				for i := range each {
					err := db.Update(ctx, func(tx *store.Tx) error {
						_, err := l.Append(ctx, tx, record(w*1000+i), record(w*1000+i+500))
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range workers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := l.Size(ctx); n != workers*each*2 {
			t.Fatalf("size %d", n)
		}
		if _, err := l.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		ds, err := l.Audit(ctx, nil)
		if err != nil || len(ds) != 0 {
			t.Fatalf("audit after concurrent appends: %v %v", ds, err)
		}
	})
}
