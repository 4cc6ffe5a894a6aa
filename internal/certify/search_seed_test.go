package certify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// seedChunk is how many certificates seedRows writes per transaction.
const seedChunk = 100000

// seedRows writes n synthetic certificates straight into the certificates table
// (and their grams into certificate_terms) for the search benchmarks and tests
// only: the full issuing path (signing, transparency log, jobs, audit) would take
// hours at 1,000,000 (issue 18). The rows are generated inside the database
// (INSERT … SELECT over a generated series, 100,000 to a transaction) from the demo
// lists: Persian and English product and vendor names with a running suffix (the
// vendor Kian typed with Arabic ك), valid national IDs, numbers CRT-<year>-<seq>
// over ten years, a JWS-sized payload. The secondary indexes of certificates and
// the keys of certificate_terms are dropped first and built again, from their own
// stored definitions, after the load; the FTS5 triggers of migration 0095 index the
// rows as they would issued ones. Vendor, product and status come from a
// multiplicative hash of the row number, so SQLite and PostgreSQL hold the same
// rows. TestSeedRowsLookIssued checks the stored search keys against searchKeys.
// It returns the numbers and holder IDs of every 997th row for the queries.
func seedRows(tb testing.TB, db *store.DB, n int) (numbers, holders []string) {
	tb.Helper()
	ctx := context.Background()
	vendors, products := demoVendors(), demoProducts()
	var vrows, prows []string
	for i, v := range vendors {
		vrows = append(vrows, fmt.Sprintf("(%d, %s, %s, %s, %s)", i, sqlText(v.name.FA), sqlText(v.name.EN),
			sqlText(persian.SearchKey(v.name.FA)), sqlText(persian.SearchKey(v.name.EN))))
	}
	for i, p := range products {
		prows = append(prows, fmt.Sprintf("(%d, %s, %s, %s, %s, %s)", i, sqlText(p.cat), sqlText(p.name.FA),
			sqlText(p.name.EN), sqlText(persian.SearchKey(p.name.FA)), sqlText(persian.SearchKey(p.name.EN))))
	}
	statuses := []Status{Active, Active, Active, Active, Suspended, Revoked, Expired, Superseded}
	var srows []string
	for i, s := range statuses {
		srows = append(srows, fmt.Sprintf("(%d, '%s')", i, s))
	}
	start := store.Millis(time.Date(2017, 3, 21, 6, 30, 0, 0, time.UTC))
	pg := db.Dialect == store.Postgres
	series, number, jws, sha := `WITH RECURSIVE s(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM s WHERE i < ?)`,
		`printf('CRT-%d-%06d', 1405 - s.i / 100000, s.i % 100000 + 1)`,
		`'eyJhbGciOiJFZERTQSJ9.' || hex(randomblob(534))`, `lower(hex(randomblob(32)))`
	if pg {
		series, number, jws, sha = `WITH s(i) AS (SELECT generate_series(?::bigint, ?::bigint))`,
			`'CRT-' || (1405 - s.i / 100000) || '-' || lpad((s.i % 100000 + 1)::text, 6, '0')`,
			`'eyJhbGciOiJFZERTQSJ9.' || repeat(md5(s.i::text), 33)`, `encode(sha256(int8send(s.i)), 'hex')`
	}
	insert := series + `,
	h(i, x) AS (SELECT i, (i * 2654435761) % 4294967291 FROM s),
	v(v, fa, en, kfa, ken) AS (VALUES ` + strings.Join(vrows, ", ") + `),
	p(p, cat, fa, en, kfa, ken) AS (VALUES ` + strings.Join(prows, ", ") + `),
	st(k, status) AS (VALUES ` + strings.Join(srows, ", ") + `)
	INSERT INTO certificates (number, status, status_at, holder_type, holder_id,
		holder_name_fa, holder_name_en, product_name_fa, product_name_en, product_key, versions, category,
		issued_at, expires_at, case_code, conditions, jws, jws_sha256, product_search, vendor_search, platform)
	SELECT ` + strings.ReplaceAll(number, "s.i", "h.i") + `, st.status, ? + h.i * 180000, ids.typ, ids.hid,
		v.fa || ' ' || h.i, v.en || ' ' || h.i, p.fa || ' ' || h.i, p.en || ' ' || h.i, p.kfa || h.i,
		'["' || (1 + h.x / 768 % 9) || '.' || (h.x / 6912 % 20) || '"]', p.cat,
		? + h.i * 180000, ? + h.i * 180000 + 63072000000, 'BULK-' || h.i, '[]',
		` + strings.ReplaceAll(jws, "s.i", "h.i") + `, ` + strings.ReplaceAll(sha, "s.i", "h.i") + `,
		p.kfa || h.i || '|' || p.ken || h.i, v.kfa || h.i || '|' || v.ken || h.i, 'وب'
	FROM h JOIN v ON v.v = h.x % 8 JOIN p ON p.p = h.x / 8 % 12 JOIN st ON st.k = h.x / 96 % 8
	JOIN seed_ids ids ON ids.v = h.x % 8 AND ids.k = h.i % 9000
	ORDER BY h.i`
	if len(vendors) != 8 || len(products) != 12 {
		tb.Fatalf("seedRows assumes 8 vendors and 12 products, have %d and %d", len(vendors), len(products))
	}
	var first int64
	err := db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM certificates`).Scan(&first); err != nil {
			return err
		}
		// A plain table: on PostgreSQL the next transactions may use another connection.
		if _, err := tx.Exec(ctx, `CREATE TABLE seed_ids (v INTEGER, k INTEGER, typ TEXT, hid TEXT, PRIMARY KEY (v, k))`); err != nil {
			return err
		}
		var rows []string
		var args []any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := tx.Exec(ctx, `INSERT INTO seed_ids (v, k, typ, hid) VALUES `+strings.Join(rows, ", "), args...)
			rows, args = rows[:0], args[:0]
			return err
		}
		for vi, v := range vendors {
			for k := range 9000 {
				typ, id := v.typ, checkDigit(v.typ, fmt.Sprintf("%s%d", v.idBase[:len(v.idBase)-4], 1000+k))
				if id == "" {
					typ, id = HolderOrg, checkDigit(HolderOrg, "1010123456")
				}
				rows, args = append(rows, "(?, ?, ?, ?)"), append(args, vi, k, typ, id)
				if len(rows) == 2000 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		return flush()
	})
	if err != nil {
		tb.Fatalf("seed rows: %v", err)
	}
	indexes := dropSeedIndexes(tb, db)
	for done := 0; done < n; done += seedChunk {
		k := min(seedChunk, n-done)
		err := db.Update(ctx, func(tx *store.Tx) error {
			var lo int64
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM certificates`).Scan(&lo); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, insert, done, done+k-1, start, start, start); err != nil {
				return fmt.Errorf("certificates: %w", err)
			}
			// The grams, as migration 0016's backfill (= terms()) writes them.
			_, err := tx.Exec(ctx, `INSERT INTO certificate_terms (term, certificate_id)
				WITH RECURSIVE pos(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM pos WHERE n < 200)
				SELECT DISTINCT substr(k.s, pos.n, 4), k.id
				FROM (SELECT id, product_search AS s FROM certificates WHERE id > ?
					UNION ALL SELECT id, vendor_search FROM certificates WHERE id > ?) k
				JOIN pos ON pos.n <= length(k.s) ORDER BY 1, 2`, lo, lo)
			if err != nil {
				return fmt.Errorf("terms: %w", err)
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed rows: %v", err)
		}
	}
	restoreSeedIndexes(tb, db, indexes)
	err = db.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DROP TABLE seed_ids`); err != nil || !pg {
			return err
		}
		// What autovacuum would do after a load this size; SQLite is left without
		// statistics, as a desk's database is (Miz runs no ANALYZE there).
		_, err := tx.Exec(ctx, `ANALYZE certificates, certificate_terms`)
		return err
	})
	if err != nil {
		tb.Fatalf("seed rows: %v", err)
	}
	err = db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT number, holder_id FROM certificates WHERE id > ? AND (id - ?) % 997 = 1 ORDER BY id`, first, first)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var num, hid string
			if err := rows.Scan(&num, &hid); err != nil {
				return err
			}
			numbers, holders = append(numbers, num), append(holders, hid)
		}
		return rows.Err()
	})
	if err != nil || len(numbers) == 0 {
		tb.Fatalf("seed rows: %d samples (%v)", len(numbers), err)
	}
	return numbers, holders
}

// sqlText quotes s as an SQL string literal (test data from the demo lists).
func sqlText(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// dropSeedIndexes drops the secondary indexes of certificates and the primary key
// of certificate_terms (and, on PostgreSQL, its foreign key) before a bulk load,
// and returns the statements that build them again.
func dropSeedIndexes(tb testing.TB, db *store.DB) []string {
	tb.Helper()
	ctx := context.Background()
	var restore []string
	err := db.Update(ctx, func(tx *store.Tx) error {
		var q string
		if db.Dialect == store.Postgres {
			q = `SELECT 'DROP INDEX ' || quote_ident(indexname), indexdef FROM pg_indexes
				WHERE schemaname = current_schema() AND tablename = 'certificates'
				AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'certificates'::regclass)
				UNION ALL
				SELECT 'ALTER TABLE certificate_terms DROP CONSTRAINT ' || quote_ident(conname),
					'ALTER TABLE certificate_terms ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
				FROM pg_constraint WHERE conrelid = 'certificate_terms'::regclass ORDER BY 1 DESC`
		} else {
			q = `SELECT 'DROP INDEX ' || name, sql FROM sqlite_master
				WHERE type = 'index' AND tbl_name = 'certificates' AND sql IS NOT NULL`
		}
		rows, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		var drops []string
		for rows.Next() {
			var drop, create string
			if err := rows.Scan(&drop, &create); err != nil {
				rows.Close()
				return err
			}
			drops, restore = append(drops, drop), append(restore, create)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range drops {
			if _, err := tx.Exec(ctx, d); err != nil {
				return fmt.Errorf("%s: %w", d, err)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("seed rows: drop indexes: %v", err)
	}
	// Build again in the reverse order of dropping.
	for i, j := 0, len(restore)-1; i < j; i, j = i+1, j-1 {
		restore[i], restore[j] = restore[j], restore[i]
	}
	return restore
}

func restoreSeedIndexes(tb testing.TB, db *store.DB, stmts []string) {
	tb.Helper()
	ctx := context.Background()
	for _, s := range stmts {
		if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, s); return err }); err != nil {
			tb.Fatalf("seed rows: %s: %v", s, err)
		}
	}
}

// TestSeedRowsLookIssued checks that the bulk-generated rows hold what the issuing
// path would store for the same names: the search keys and the product key are
// searchKeys/productKey of the names, the grams are terms() of the keys, the
// holder IDs are valid, and both databases hold the same rows.
func TestSeedRowsLookIssued(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		numbers, holders := seedRows(t, db, 2500)
		if len(numbers) != 3 || numbers[0] != "CRT-1405-000001" || numbers[2] != "CRT-1405-001995" {
			t.Fatalf("samples %v", numbers)
		}
		type row struct {
			id                      int64
			hid, pfa, pen, vfa, ven string
			pkey, psearch, vsearch  string
		}
		var rows []row
		err := db.View(ctx, func(tx *store.Tx) error {
			r, err := tx.Query(ctx, `SELECT id, holder_id, product_name_fa, product_name_en, holder_name_fa, holder_name_en,
				product_key, product_search, vendor_search FROM certificates WHERE id % 97 = 0 ORDER BY id`)
			if err != nil {
				return err
			}
			defer r.Close()
			for r.Next() {
				var x row
				if err := r.Scan(&x.id, &x.hid, &x.pfa, &x.pen, &x.vfa, &x.ven, &x.pkey, &x.psearch, &x.vsearch); err != nil {
					return err
				}
				rows = append(rows, x)
			}
			return r.Err()
		})
		if err != nil || len(rows) < 20 {
			t.Fatalf("%d rows: %v", len(rows), err)
		}
		for _, x := range rows {
			p, v := Bilingual{FA: x.pfa, EN: x.pen}, Bilingual{FA: x.vfa, EN: x.ven}
			if x.psearch != searchKeys(p) || x.vsearch != searchKeys(v) || x.pkey != productKey(p) {
				t.Fatalf("row %d: keys %q %q %q, want %q %q %q", x.id, x.psearch, x.vsearch, x.pkey,
					searchKeys(p), searchKeys(v), productKey(p))
			}
			_, errOrg := persian.ValidateLegalID(x.hid)
			_, errPerson := persian.ValidateNationalCode(x.hid)
			if errOrg != nil && errPerson != nil {
				t.Fatalf("row %d: holder ID %s is not valid", x.id, x.hid)
			}
			var stored []string
			_ = db.View(ctx, func(tx *store.Tx) error {
				r, err := tx.Query(ctx, `SELECT term FROM certificate_terms WHERE certificate_id = ? ORDER BY term`, x.id)
				if err != nil {
					return err
				}
				defer r.Close()
				for r.Next() {
					var s string
					_ = r.Scan(&s)
					stored = append(stored, s)
				}
				return r.Err()
			})
			want := terms(x.psearch, x.vsearch)
			slices.Sort(want)
			if !slices.Equal(stored, want) {
				t.Fatalf("row %d: grams %v, want %v", x.id, stored, want)
			}
		}
		// The same rows on both databases: a digest of the generated columns.
		if rows[3].pfa != "مدیریت قراردادهای پیمان 387" || holders[1] != "10550919973" {
			t.Errorf("row 388 product %q, holder sample %s", rows[3].pfa, holders[1])
		}
	})
}
