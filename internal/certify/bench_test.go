package certify

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// searchMix is the benchmark's queries: Persian and English names that match many
// or few certificates, Persian spelling variants, a vendor ID, a certificate
// number and a two-character term.
func searchMix(numbers, holders []string) []Query {
	return []Query{
		{Q: "حسابداري سپيد"},         // Arabic ي, many matches
		{Q: "خزانه‌داری پویا 77"},    // ZWNJ, few
		{Q: "آرمان", Status: Active}, // vendor, many
		{Q: "نگين 4321"},             // Arabic ي, few
		{Q: "Ava Payroll 12"},        // English, few
		{Q: "accounting"},            // English, many
		{Q: "Finexa ERP ۲۲۲"},        // Persian digits, few
		{Q: holders[len(holders)/2]}, // vendor national ID
		{Q: numbers[len(numbers)/3]}, // certificate number
		{VendorID: holders[1]},
		{Q: "آو"}, // two characters
		{Category: "payroll", Page: 3},
	}
}

// searchVsLookup runs rounds × the query mix and as many exact lookups by number
// on db, and returns the sorted latencies of each.
func searchVsLookup(tb testing.TB, r *Registry, numbers []string, queries []Query, rounds int) (search, lookup []time.Duration) {
	ctx := context.Background()
	perQuery := make([][]time.Duration, len(queries))
	for round := range rounds + 1 {
		for i, q := range queries {
			t0 := time.Now()
			if _, err := r.Search(ctx, q); err != nil {
				tb.Fatal(err)
			}
			t1 := time.Now()
			num := numbers[(round*len(queries)+i)%len(numbers)]
			if err := r.DB.View(ctx, func(tx *store.Tx) error { _, err := getTx(ctx, tx, num); return err }); err != nil {
				tb.Fatal(err)
			}
			if round > 0 { // round 0 warms the caches
				search, lookup = append(search, t1.Sub(t0)), append(lookup, time.Since(t1))
				perQuery[i] = append(perQuery[i], t1.Sub(t0))
			}
		}
	}
	if os.Getenv("MIZ_BENCH_VERBOSE") != "" {
		for i, q := range queries {
			slices.Sort(perQuery[i])
			fmt.Fprintf(os.Stderr, "%+v: p50 %.2f ms, max %.2f ms\n", q, ms(pct(perQuery[i], 50)), ms(perQuery[i][len(perQuery[i])-1]))
		}
	}
	slices.Sort(search)
	slices.Sort(lookup)
	return search, lookup
}

func pct(d []time.Duration, p int) time.Duration { return d[min(len(d)-1, len(d)*p/100)] }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkSearch measures registry search over MIZ_BENCH_CERTS certificates
// (default 2,000; the published figures use 10,000, 100,000 and 1,000,000) on
// SQLite and, with MIZ_TEST_POSTGRES_URL, PostgreSQL, against the exact lookup by
// number on the same store in the same run (issue 18). MIZ_BENCH_ROUNDS (default
// 30) rounds of the query mix; run with -benchtime 1x.
func BenchmarkSearch(b *testing.B) {
	n, rounds := 2000, 30
	if v, err := strconv.Atoi(os.Getenv("MIZ_BENCH_CERTS")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("MIZ_BENCH_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var db *store.DB
			if backend == "sqlite" {
				db = storetest.OpenSQLite(b)
			} else {
				if os.Getenv("MIZ_TEST_POSTGRES_URL") == "" {
					b.Skip("MIZ_TEST_POSTGRES_URL not set")
				}
				db = openPostgresVacuumed(b)
			}
			r, _ := newTestRegistry(b, db)
			t0 := time.Now()
			numbers, holders := seedRows(b, db, n)
			if v, ok := vacuums[db]; ok {
				v() // what autovacuum does after a load this size: the visibility map, statistics
			}
			b.Logf("%s: seeded %d certificates in %s", backend, n, time.Since(t0).Round(time.Millisecond))
			explainMix(b, r, searchMix(numbers, holders))
			var search, lookup []time.Duration
			for b.Loop() {
				search, lookup = searchVsLookup(b, r, numbers, searchMix(numbers, holders), rounds)
			}
			b.ReportMetric(ms(pct(search, 50)), "search-p50-ms")
			b.ReportMetric(ms(pct(search, 99)), "search-p99-ms")
			b.ReportMetric(ms(pct(lookup, 50)), "lookup-p50-ms")
			b.ReportMetric(ms(pct(lookup, 99)), "lookup-p99-ms")
			b.ReportMetric(float64(pct(search, 99))/float64(pct(lookup, 99)), "p99-ratio")
		})
	}
}

// vacuums holds, for a PostgreSQL database of the benchmark, a function running
// VACUUM ANALYZE on certificates (outside a transaction, so on a connection of its
// own).
var vacuums = map[*store.DB]func(){}

func openPostgresVacuumed(b *testing.B) *store.DB {
	u := storetest.PostgresURL(b)
	ctx := context.Background()
	db, err := store.Open(ctx, u, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	vacuums[db] = func() {
		conn, err := sql.Open("pgx", u)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `VACUUM ANALYZE certificates`); err != nil {
			b.Fatal(err)
		}
	}
	return db
}
