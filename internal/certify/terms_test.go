package certify

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestSearchIndexKeepsSubstringResults checks that the gram index finds every
// substring the former full-scan LIKE found: inside a word, across the removed
// spaces and ZWNJ, at the very end of a key, and with keys shorter than a gram.
func TestSearchIndexKeepsSubstringResults(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		c := issue(t, r, sampleRequest()) // "سامانه حسابداری سپید", "Sepid Accounting"
		for _, q := range []string{"سابدار", "افزاری", "داریسپ", "ید", "پید", "g", "ng", "unting", "ounting", "sepidacc", "ه‌حساب"} {
			res, err := r.Search(ctx, Query{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 1 || res.Items[0].Number != c.Number {
				t.Errorf("%q: total %d, want %s", q, res.Total, c.Number)
			}
		}
		for _, q := range []string{"سپیدحساب", "gx", "accountinga"} {
			if res, _ := r.Search(ctx, Query{Q: q}); res.Total != 0 {
				t.Errorf("%q: total %d, want none", q, res.Total)
			}
		}
	})
}

// TestTermsBackfillMatchesIssue checks that migration 0016's SQL backfill writes
// exactly the grams that Issue writes, on both dialects.
func TestTermsBackfillMatchesIssue(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		issue(t, r, sampleRequest())
		other := sampleRequest()
		other.ProductName = Bilingual{FA: "انبار و اموال كارا ۱۲", EN: "Kara Inventory"}
		issue(t, r, other)
		before := readTerms(t, db)
		ms, err := store.Migrations(db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		var backfill string
		for _, m := range ms {
			if m.Version == 16 {
				backfill = m.SQL[strings.Index(m.SQL, "INSERT INTO certificate_terms"):]
			}
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM certificate_terms`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, backfill)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if after := readTerms(t, db); !slices.Equal(before, after) || len(before) < 40 {
			t.Fatalf("backfill differs: %d grams at issue, %d from SQL", len(before), len(after))
		}
	})
}

func readTerms(t *testing.T, db *store.DB) []string {
	t.Helper()
	var out []string
	err := db.View(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT term, certificate_id FROM certificate_terms`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var term string
			var id int64
			if err := rows.Scan(&term, &id); err != nil {
				return err
			}
			out = append(out, term+"\x00"+string(rune('0'+id)))
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
