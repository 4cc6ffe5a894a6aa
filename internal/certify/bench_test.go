package certify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// seedRows writes n synthetic certificates straight into the certificates table
// (and their grams into certificate_terms), 500 to a transaction, for the search
// benchmarks and the perf guard only: the full issuing path (signing, transparency
// log, jobs, audit) would take minutes at 100,000 (issue 18). The rows look like
// issued ones: Persian and English product and vendor names from the demo lists
// with a running suffix (some typed with Arabic ي/ك), valid national IDs, numbers
// CRT-<year>-<seq> over ten years, a JWS-sized random payload. The FTS5 triggers and
// pg_trgm indexes of migration 0095 index them as they would issued rows.
// It returns the numbers and holder IDs of a few rows for the queries.
func seedRows(tb testing.TB, db *store.DB, n int) (numbers, holders []string) {
	tb.Helper()
	ctx := context.Background()
	const batch = 500
	rnd := mrand.New(mrand.NewPCG(uint64(n), 18))
	vendors, products := demoVendors(), demoProducts()
	statuses := []Status{Active, Active, Active, Active, Suspended, Revoked, Expired, Superseded}
	start := time.Date(2017, 3, 21, 6, 30, 0, 0, time.UTC)
	sig := make([]byte, 800)
	for done := 0; done < n; {
		k := min(batch, n-done)
		err := db.Update(ctx, func(tx *store.Tx) error {
			var rows []string
			var args []any
			grams := make([][]string, 0, k)
			for j := range k {
				i := done + j
				v, p := vendors[rnd.IntN(len(vendors))], products[rnd.IntN(len(products))]
				id := checkDigit(v.typ, fmt.Sprintf("%s%d", v.idBase[:len(v.idBase)-4], 1000+i%9000))
				typ := v.typ
				if id == "" {
					typ, id = HolderOrg, checkDigit(HolderOrg, "1010123456")
				}
				holder := Bilingual{FA: fmt.Sprintf("%s %d", v.name.FA, i), EN: fmt.Sprintf("%s %d", v.name.EN, i)}
				product := Bilingual{FA: fmt.Sprintf("%s %d", p.name.FA, i), EN: fmt.Sprintf("%s %d", p.name.EN, i)}
				number := fmt.Sprintf("CRT-%d-%06d", 1405-i/100000, i%100000+1)
				at := start.Add(time.Duration(i) * 3 * time.Minute)
				_, _ = rand.Read(sig)
				jws := "eyJhbGciOiJFZERTQSJ9." + base64.RawURLEncoding.EncodeToString(sig)
				pk, vk := searchKeys(product), searchKeys(holder)
				rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, number, statuses[rnd.IntN(len(statuses))], store.Millis(at), typ, id,
					holder.FA, holder.EN, product.FA, product.EN, productKey(product),
					fmt.Sprintf(`["%d.%d"]`, 1+rnd.IntN(9), rnd.IntN(20)), p.cat, store.Millis(at),
					store.Millis(at.AddDate(2, 0, 0)), fmt.Sprintf("BULK-%d", i), "[]", jws, sha256Hex(jws), pk, vk, "وب")
				grams = append(grams, terms(pk, vk))
				if i%997 == 0 {
					numbers, holders = append(numbers, number), append(holders, id)
				}
			}
			var ids []int64
			r, err := tx.Query(ctx, `INSERT INTO certificates (number, status, status_at, holder_type, holder_id,
				holder_name_fa, holder_name_en, product_name_fa, product_name_en, product_key, versions, category,
				issued_at, expires_at, case_code, conditions, jws, jws_sha256, product_search, vendor_search, platform)
				VALUES `+strings.Join(rows, ", ")+` RETURNING id`, args...)
			if err != nil {
				return err
			}
			for r.Next() {
				var id int64
				if err := r.Scan(&id); err != nil {
					r.Close()
					return err
				}
				ids = append(ids, id)
			}
			r.Close()
			if len(ids) != k {
				return fmt.Errorf("inserted %d of %d", len(ids), k)
			}
			var targs []any
			flush := func() error {
				if len(targs) == 0 {
					return nil
				}
				_, err := tx.Exec(ctx, `INSERT INTO certificate_terms (term, certificate_id) VALUES `+
					strings.TrimSuffix(strings.Repeat("(?, ?), ", len(targs)/2), ", "), targs...)
				targs = targs[:0]
				return err
			}
			for j, id := range ids {
				for _, g := range grams[j] {
					targs = append(targs, g, id)
				}
				if len(targs) > 30000 { // under SQLite's 32,766 parameters
					if err := flush(); err != nil {
						return err
					}
				}
			}
			if err := flush(); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed rows: %v", err)
		}
		done += k
	}
	return numbers, holders
}

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
				if os.Getenv("MIZ_BENCH_VERBOSE") != "" && round == rounds {
					fmt.Fprintf(os.Stderr, "%+v: %s\n", q, t1.Sub(t0))
				}
			}
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
				db = storetest.OpenPostgres(b)
			}
			r, _ := newTestRegistry(b, db)
			t0 := time.Now()
			numbers, holders := seedRows(b, db, n)
			if db.Dialect == store.Postgres {
				if err := db.Update(context.Background(), func(tx *store.Tx) error {
					_, err := tx.Exec(context.Background(), `ANALYZE certificates`)
					return err
				}); err != nil {
					b.Fatal(err)
				}
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
