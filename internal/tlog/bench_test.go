package tlog_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// BenchmarkAppendBatched measures appends of batches of records, each batch in its own
// transaction; records/s is the figure to compare across batch sizes.
func BenchmarkAppendBatched(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, batch := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/batch=%d", backend, batch), func(b *testing.B) {
				var db *store.DB
				if backend == "sqlite" {
					db = storetest.OpenSQLite(b)
				} else {
					db = storetest.OpenPostgres(b)
				}
				l, _ := newLog(b, db)
				growInBatches(b, db, l, 5000) // appends into a tree that already has depth
				recs := make([][]byte, batch)
				for i := range recs {
					recs[i] = record(i)
				}
				ctx := context.Background()
				b.ResetTimer()
				for b.Loop() {
					err := db.Update(ctx, func(tx *store.Tx) error {
						_, err := l.Append(ctx, tx, recs...)
						return err
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}

// BenchmarkInclusionProof measures inclusion proofs of random leaves in a log of one
// million records on SQLite. Building the log (batched appends of 5,000 records) is
// setup and is timed separately in the log output.
func BenchmarkInclusionProof(b *testing.B) {
	size := int64(1_000_000)
	if v, err := strconv.ParseInt(os.Getenv("MIZ_BENCH_TLOG_LEAVES"), 10, 64); err == nil && v > 0 {
		size = v
	}
	db := storetest.OpenSQLite(b)
	l, _ := newLog(b, db)
	ctx := context.Background()
	start := time.Now()
	for done := 0; done < int(size); done += 5000 {
		appendRecords(b, db, l, done, min(done+5000, int(size)))
	}
	b.Logf("setup: appended %d records in %v", size, time.Since(start).Round(time.Millisecond))
	root, err := l.Root(ctx, size)
	if err != nil {
		b.Fatal(err)
	}
	// The baseline (issue 18): x/mod's own proof over every stored hash held in memory.
	mem := loadStoredHashes(b, db, size)
	memReader := xtlog.HashReaderFunc(func(indexes []int64) ([]xtlog.Hash, error) {
		out := make([]xtlog.Hash, len(indexes))
		for i, idx := range indexes {
			out[i] = mem[idx]
		}
		return out, nil
	})
	perOp := map[string]float64{}
	prove := func(name string, proof func(i int64) (xtlog.RecordProof, error)) {
		b.Run(name, func(b *testing.B) {
			// Steady state: the shared upper levels are in the cache after the first
			// proofs of a running server; warm it with proofs of other random leaves.
			warm := mrand.New(mrand.NewPCG(1, 2))
			for range 50_000 {
				if _, err := proof(warm.Int64N(size)); err != nil {
					b.Fatal(err)
				}
			}
			rng := mrand.New(mrand.NewPCG(3, 4))
			for b.Loop() {
				i := rng.Int64N(size)
				p, err := proof(i)
				if err != nil {
					b.Fatal(err)
				}
				if len(p) == 0 || len(p) > 64 {
					b.Fatalf("proof of %d hashes", len(p))
				}
			}
			perOp[name] = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
	}
	prove("xmod-memory", func(i int64) (xtlog.RecordProof, error) { return xtlog.ProveRecord(size, i, memReader) })
	prove("proof", func(i int64) (xtlog.RecordProof, error) { return l.InclusionProof(ctx, i, size) })
	plain := l.WithoutCache()
	prove("proof-uncached", func(i int64) (xtlog.RecordProof, error) { return plain.InclusionProof(ctx, i, size) })
	if base := perOp["xmod-memory"]; base > 0 {
		b.Logf("leaves %d: x/mod in memory %.1f µs; proof %.1f µs (%.1f×); uncached %.1f µs (%.1f×)", size,
			base/1e3, perOp["proof"]/1e3, perOp["proof"]/base, perOp["proof-uncached"]/1e3, perOp["proof-uncached"]/base)
	}
	b.Run("verify", func(b *testing.B) {
		at := size / 8
		p, _ := l.InclusionProof(ctx, at, size)
		h := xtlog.RecordHash(record(int(at)))
		for b.Loop() {
			if err := xtlog.CheckRecord(p, size, root, at, h); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("audit", func(b *testing.B) {
		for b.Loop() {
			if ds, err := l.Audit(ctx, nil); err != nil || len(ds) != 0 {
				b.Fatal(ds, err)
			}
		}
	})
	b.Run("bundle", func(b *testing.B) {
		for b.Loop() {
			if _, err := l.ProofBundle(ctx, size-1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// loadStoredHashes reads every stored hash of a log of size records into a slice
// indexed by stored hash index.
func loadStoredHashes(b testing.TB, db *store.DB, size int64) []xtlog.Hash {
	b.Helper()
	ctx := context.Background()
	mem := make([]xtlog.Hash, xtlog.StoredHashCount(size))
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT idx, hash FROM tlog_hashes WHERE idx < ?", len(mem))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var idx int64
			var raw []byte
			if err := rows.Scan(&idx, &raw); err != nil {
				return err
			}
			mem[idx] = xtlog.Hash(raw)
		}
		return rows.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	return mem
}
