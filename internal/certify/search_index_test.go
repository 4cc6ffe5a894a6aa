package certify

import (
	"context"
	"fmt"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestSearchIndexIssue18Variants checks, on both databases, that the trigram
// indexes of migration 0095 (FTS5 on SQLite, pg_trgm on PostgreSQL) find exactly
// what the exact LIKE finds: Persian ي/ی and ك/ک typed either way, ZWNJ or none,
// Persian, Arabic-Indic and ASCII digits, terms under three characters (which the
// gram table serves), and LIKE metacharacters and FTS5 syntax taken literally.
func TestSearchIndexIssue18Variants(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		req := sampleRequest() // product "سامانه حسابداري سپيد" with Arabic ي, vendor "شركت نرم افزاري پارس" with Arabic ك
		a := issue(t, r, req)
		other := sampleRequest()
		other.HolderType, other.HolderID = HolderPerson, "0084753218"
		other.HolderName = Bilingual{FA: "کیان‌پرداز", EN: "100%_Sure \"Ltd\""}
		other.ProductName = Bilingual{FA: "انبارداری ۱۲۳", EN: "Store NEAR*"}
		b := issue(t, r, other)
		cases := []struct {
			q    string
			want []string
		}{
			{"حسابداری سپید", []string{a.Number}}, // Persian ی for the stored Arabic ي
			{"حسابداري", []string{a.Number}},      // Arabic as stored
			{"شرکت نرم", []string{a.Number}},      // Persian ک for the stored Arabic ك
			{"كيان پرداز", []string{b.Number}},    // Arabic ك and ي, space for the stored ZWNJ
			{"کیان‌پرداز", []string{b.Number}},    // ZWNJ as stored
			{"انبارداری 123", []string{b.Number}}, // ASCII digits for the stored Persian
			{"انبارداری ١٢٣", []string{b.Number}}, // Arabic-Indic digits
			{"۲۳", []string{b.Number}},            // two characters
			{"سپ", []string{a.Number}},            // two characters
			{"س", []string{a.Number}},             // one character: سامانه, حسابداری, سپید
			{"ب", []string{b.Number, a.Number}},   // one character in both
			{"100%", []string{b.Number}},          // % literal
			{"0%_s", []string{b.Number}},          // % and _ literal
			{"%_", []string{b.Number}},            // two metacharacters
			{"00%", []string{b.Number}},           // three characters with %
			{"1x0%", nil},                         // % is not a wildcard
			{"_sure", []string{b.Number}},         //
			{"a_s", nil},                          // _ is not a wildcard
			{`"ltd"`, []string{b.Number}},         // FTS5 quotes are data
			{"near*", []string{b.Number}},         // FTS5 operators are data
			{"store OR sepid", nil},               // no boolean syntax
			{`\`, nil},                            // the LIKE escape character itself
			{"sepid accounting", []string{a.Number}},
		}
		for _, tc := range cases {
			res, err := r.Search(ctx, Query{Q: tc.q})
			if err != nil {
				t.Fatalf("%q: %v", tc.q, err)
			}
			var got []string
			for _, it := range res.Items {
				got = append(got, it.Number)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || res.Total != len(tc.want) || res.TotalCapped {
				t.Errorf("%q: got %v (total %d), want %v", tc.q, got, res.Total, tc.want)
			}
		}
	})
}

// TestSearchCountStopsAtMaxCount checks that a search matching more than MaxCount
// certificates says so (TotalCapped) instead of counting them all, and that one
// matching exactly MaxCount is counted exactly (issue 18).
func TestSearchCountStopsAtMaxCount(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		seedRows(t, db, MaxCount+1)
		res, err := r.Search(ctx, Query{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.TotalCapped || res.Total != MaxCount || len(res.Items) != PerPage || res.Pages() != MaxCount/PerPage {
			t.Fatalf("all: total %d capped %v items %d", res.Total, res.TotalCapped, len(res.Items))
		}
		var acc int
		if err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM certificates WHERE category = 'accounting'`).Scan(&acc)
		}); err != nil {
			t.Fatal(err)
		}
		if res, err := r.Search(ctx, Query{Category: "accounting"}); err != nil || res.TotalCapped || res.Total != acc || acc == 0 {
			t.Fatalf("accounting: total %d capped %v, want %d (%v)", res.Total, res.TotalCapped, acc, err)
		}
		// Over MaxCount text matches: the newest-first walk (SQLite) or the trigram
		// index (PostgreSQL) gives the same pages as sorting every match. The update
		// also exercises the FTS5 update trigger.
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE certificates SET vendor_search = vendor_search || 'zqz'`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for page := 1; page <= 3; page++ {
			res, err := r.Search(ctx, Query{Q: "ZQZ", Page: page})
			if err != nil || !res.TotalCapped || len(res.Items) != PerPage {
				t.Fatalf("zqz page %d: total %d capped %v items %d (%v)", page, res.Total, res.TotalCapped, len(res.Items), err)
			}
			var want []string
			err = db.View(ctx, func(tx *store.Tx) error {
				rows, err := tx.Query(ctx, `SELECT number FROM certificates WHERE vendor_search LIKE '%zqz%'
					ORDER BY issued_at DESC, id DESC LIMIT ? OFFSET ?`, PerPage, (page-1)*PerPage)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						return err
					}
					want = append(want, n)
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, it := range res.Items {
				if it.Number != want[i] {
					t.Fatalf("zqz page %d item %d: %s, want %s", page, i, it.Number, want[i])
				}
			}
		}
		if res, err := r.Search(ctx, Query{Q: "ZQZ", Status: Revoked}); err != nil || res.TotalCapped || res.Total == 0 {
			t.Fatalf("zqz revoked: total %d (%v)", res.Total, err)
		}
		// Remove one: exactly MaxCount match, counted exactly.
		if err := db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM certificate_terms WHERE certificate_id = (SELECT MAX(id) FROM certificates)`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `DELETE FROM certificates WHERE id = (SELECT MAX(id) FROM certificates)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if res, err = r.Search(ctx, Query{}); err != nil || res.TotalCapped || res.Total != MaxCount {
			t.Fatalf("exactly MaxCount: total %d capped %v (%v)", res.Total, res.TotalCapped, err)
		}
	})
}
