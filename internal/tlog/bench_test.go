package tlog_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
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
	const size = 1_000_000
	db := storetest.OpenSQLite(b)
	l, _ := newLog(b, db)
	ctx := context.Background()
	start := time.Now()
	for done := 0; done < size; done += 5000 {
		appendRecords(b, db, l, done, done+5000)
	}
	b.Logf("setup: appended %d records in %v", size, time.Since(start).Round(time.Millisecond))
	root, err := l.Root(ctx, size)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("size=1000000", func(b *testing.B) {
		rng := mrand.New(mrand.NewPCG(3, 4))
		for b.Loop() {
			i := rng.Int64N(size)
			p, err := l.InclusionProof(ctx, i, size)
			if err != nil {
				b.Fatal(err)
			}
			if len(p) == 0 || len(p) > 20 {
				b.Fatalf("proof of %d hashes", len(p))
			}
		}
	})
	b.Run("size=1000000/verify", func(b *testing.B) {
		p, _ := l.InclusionProof(ctx, 123456, size)
		h := xtlog.RecordHash(record(123456))
		for b.Loop() {
			if err := xtlog.CheckRecord(p, size, root, 123456, h); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("size=1000000/audit", func(b *testing.B) {
		for b.Loop() {
			if ds, err := l.Audit(ctx, nil); err != nil || len(ds) != 0 {
				b.Fatal(ds, err)
			}
		}
	})
	b.Run("size=1000000/bundle", func(b *testing.B) {
		for b.Loop() {
			if _, err := l.ProofBundle(ctx, 999_999); err != nil {
				b.Fatal(err)
			}
		}
	})
}
