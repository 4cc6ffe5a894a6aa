package tlog_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestCachedProofsAgreeWithUncached (issue 18) compares every inclusion proof, and
// consistency proofs, read through the hash cache with those read from the tables,
// while the log grows past sizes the cache has already seen, and checks each against
// the root.
func TestCachedProofsAgreeWithUncached(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _ := newLog(t, db)
		plain := l.WithoutCache()
		size := 0
		for _, grow := range []int{300, 1, 211, 512} {
			appendRecords(t, db, l, size, size+grow)
			size += grow
			root, err := plain.Root(ctx, int64(size))
			if err != nil {
				t.Fatal(err)
			}
			for _, at := range []int{size, size - 1, size/2 + 1} {
				for i := 0; i < at; i += 7 {
					got, err := l.InclusionProof(ctx, int64(i), int64(at))
					if err != nil {
						t.Fatal(err)
					}
					want, err := plain.InclusionProof(ctx, int64(i), int64(at))
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(got, want) {
						t.Fatalf("proof of %d in %d: cached %x, uncached %x", i, at, got, want)
					}
					if at == size {
						if err := xtlog.CheckRecord(got, int64(at), root, int64(i), xtlog.RecordHash(record(i))); err != nil {
							t.Fatalf("proof of %d in %d does not verify: %v", i, at, err)
						}
					}
				}
				got, err := l.ConsistencyProof(ctx, int64(at/3), int64(at))
				if err != nil {
					t.Fatal(err)
				}
				want, err := plain.ConsistencyProof(ctx, int64(at/3), int64(at))
				if err != nil || !slices.Equal(got, want) {
					t.Fatalf("consistency %d→%d: cached %x, uncached %x (%v)", at/3, at, got, want, err)
				}
			}
			if _, err := l.InclusionProof(ctx, 0, int64(size+1)); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("proof in a tree larger than the log: %v", err)
			}
		}
	})
}

// TestCachedProofNeverSeesARolledBackAppend appends in a transaction that rolls
// back after a proof has filled the cache: proofs at the old size still agree with
// the tables, and the larger size is refused.
func TestCachedProofNeverSeesARolledBackAppend(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, _ := newLog(t, db)
		appendRecords(t, db, l, 0, 100)
		if _, err := l.InclusionProof(ctx, 5, 100); err != nil {
			t.Fatal(err)
		}
		rollback := errors.New("roll back")
		err := db.Update(ctx, func(tx *store.Tx) error {
			if _, err := l.Append(ctx, tx, record(100), record(101)); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if _, err := l.InclusionProof(ctx, 100, 101); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("proof of a rolled-back record: %v", err)
		}
		appendRecords(t, db, l, 200, 202) // other records take indexes 100 and 101
		root, err := l.WithoutCache().Root(ctx, 102)
		if err != nil {
			t.Fatal(err)
		}
		p, err := l.InclusionProof(ctx, 101, 102)
		if err != nil {
			t.Fatal(err)
		}
		if err := xtlog.CheckRecord(p, 102, root, 101, xtlog.RecordHash(record(201))); err != nil {
			t.Fatalf("proof after the rollback: %v", err)
		}
	})
}

// TestPerfGuardInclusionProof (issue 18) is a loose regression guard, a ratio in one
// process and never a time: a cached inclusion proof on SQLite must stay within
// perfGuardMaxRatio of x/mod's proof over the same hashes held in memory. The figures
// are in docs/BENCHMARKS.md ("Lean"); here, on a loaded 2-core machine, cached proofs
// were 5–8× and proofs read from the tables each time 30× or more (under -race
// the cached ones measured 26–37×, hence a looser guard there).
func TestPerfGuardInclusionProof(t *testing.T) {
	if testing.Short() {
		t.Skip("perf guard: skipped with -short")
	}
	const size = 20_000
	perfGuardMaxRatio := 25.0
	if raceEnabled { // -race instruments the store's SQLite (Go) far more than x/mod's loop: 26–37× measured
		perfGuardMaxRatio = 100
	}
	db := storetest.OpenSQLite(t)
	l, _ := newLog(t, db)
	ctx := context.Background()
	for done := 0; done < size; done += 5000 {
		appendRecords(t, db, l, done, done+5000)
	}
	mem := loadStoredHashes(t, db, size)
	memReader := xtlog.HashReaderFunc(func(indexes []int64) ([]xtlog.Hash, error) {
		out := make([]xtlog.Hash, len(indexes))
		for i, idx := range indexes {
			out[i] = mem[idx]
		}
		return out, nil
	})
	run := func(proof func(i int64) (xtlog.RecordProof, error)) float64 {
		r := testing.Benchmark(func(b *testing.B) {
			i := int64(0)
			for b.Loop() {
				i = (i + 7919) % size
				if _, err := proof(i); err != nil {
					b.Fatal(err)
				}
			}
		})
		return float64(r.NsPerOp())
	}
	// Best of three rounds, so a burst of load on a shared machine does not fail it.
	best := 1e9
	for range 3 {
		base := run(func(i int64) (xtlog.RecordProof, error) { return xtlog.ProveRecord(size, i, memReader) })
		got := run(func(i int64) (xtlog.RecordProof, error) { return l.InclusionProof(ctx, i, size) })
		if base > 0 {
			best = min(best, got/base)
		}
		t.Logf("x/mod in memory %.0f ns, cached proof %.0f ns: %.1f×", base, got, got/base)
	}
	if best > perfGuardMaxRatio {
		t.Fatalf("inclusion proof is %.1f× x/mod over memory (guard %.0f×)", best, perfGuardMaxRatio)
	}
}
