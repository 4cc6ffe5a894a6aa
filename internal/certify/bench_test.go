package certify

import (
	"context"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store/storetest"
)

// BenchmarkSearch measures registry search over MIZ_BENCH_CERTS certificates
// (default 2,000; the published figure uses 100,000) and reports p50/p99.
func BenchmarkSearch(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("MIZ_BENCH_CERTS")); err == nil && v > 0 {
		n = v
	}
	db := storetest.OpenSQLite(b)
	r, _ := newTestRegistry(b, db)
	ctx := context.Background()
	if err := r.SeedBulk(ctx, n, nil); err != nil {
		b.Fatal(err)
	}
	queries := []Query{{Q: "حسابداري سپيد"}, {Q: "Ava Payroll 12"}, {Category: "payroll", Page: 3}, {Q: "CRT-1405-000042"}, {Q: "آرمان", Status: Active}}
	var lat []time.Duration
	// b.Loop runs this function once, so the certificates are seeded once.
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := r.Search(ctx, queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
