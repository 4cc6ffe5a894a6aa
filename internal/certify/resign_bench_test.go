package certify

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// BenchmarkResign measures `miz keys resign` against its baseline in the same run:
// issuing the same number of certificates (sign, store, log, audit). Each is
// reported per certificate, and resign as a ratio of issue (issue 19).
//
//	go test -run x -bench Resign -benchtime 1x ./internal/certify/   (MIZ_BENCH_RESIGN=N, default 2000)
func BenchmarkResign(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("MIZ_BENCH_RESIGN")); err == nil && v > 0 {
		n = v
	}
	backends := map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite}
	if os.Getenv("MIZ_TEST_POSTGRES_URL") != "" {
		backends["postgres"] = storetest.OpenPostgres
	}
	for name, open := range backends {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				db := open(b)
				r, clk := newTestRegistry(b, db)
				ctx := context.Background()
				start := time.Now()
				if err := r.SeedBulk(ctx, n, nil); err != nil {
					b.Fatal(err)
				}
				issue := time.Since(start)
				old := r.Keys.Active().ID
				if _, err := r.Keys.Rotate(); err != nil {
					b.Fatal(err)
				}
				clk.Add(time.Hour)
				start = time.Now()
				got, err := r.Resign(ctx, ResignOptions{Needs: func(k string) bool { return k == old }, Actor: "system"})
				if err != nil || got != n {
					b.Fatalf("resigned %d of %d: %v", got, n, err)
				}
				resign := time.Since(start)
				if k := keys.KidOf(mustGet(b, r, ctx)); k == old {
					b.Fatal("not re-signed")
				}
				b.ReportMetric(float64(issue.Microseconds())/float64(n), "issue-µs/cert")
				b.ReportMetric(float64(resign.Microseconds())/float64(n), "resign-µs/cert")
				b.ReportMetric(float64(resign)/float64(issue), "resign/issue")
			}
		})
	}
}

func mustGet(b *testing.B, r *Registry, ctx context.Context) string {
	var jws string
	if err := r.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT jws FROM certificates ORDER BY id LIMIT 1`).Scan(&jws)
	}); err != nil {
		b.Fatal(err)
	}
	return jws
}
