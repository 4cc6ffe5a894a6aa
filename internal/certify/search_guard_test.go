package certify

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestPerfGuardSearch is the loose CI regression guard of issue 18: at 20,000
// seeded certificates on SQLite, the mean time of the benchmark's search mix may
// be at most 400 times the mean exact lookup by number measured in the same
// process. A search that fell back to reading every certificate (the LIKE scan
// before migration 0016 was over 5,000 times the lookup at this size) fails. The
// plan of search_plan.go measured 42 times (124 under -race); the one before it
// 125 times on a quiet machine and 794 on a loaded one, so the guard, 1,500 until
// then, is now 400. No absolute time is asserted.
func TestPerfGuardSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 20,000 certificates")
	}
	db := storetest.OpenSQLite(t)
	r, _ := newTestRegistry(t, db)
	numbers, holders := seedRows(t, db, 20000)
	search, lookup := searchVsLookup(t, r, numbers, searchMix(numbers, holders), 5)
	var s, l time.Duration
	for i := range search {
		s, l = s+search[i], l+lookup[i]
	}
	ratio := float64(s) / float64(l)
	t.Logf("search mean %s, lookup mean %s, ratio %.0f", s/time.Duration(len(search)), l/time.Duration(len(lookup)), ratio)
	if ratio > 400 {
		t.Fatalf("search is %.0f× the exact lookup (guard: 400×)", ratio)
	}
}

// TestSearchFTSAgreesWithLike checks on seeded rows that the SQLite FTS5 path and
// the PostgreSQL trigram path return exactly the certificates that the plain
// LIKE / number / national-ID test finds, for terms that match many, few and none.
func TestSearchFTSAgreesWithLike(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		numbers, holders := seedRows(t, db, 600)
		matched := 0
		for _, q := range []string{"حسابداري", "سپید 1", "آرمان 59", "نامه‌نگار", "payroll 3", "ERP", "rp 5", "ستاره ۱۰",
			"كيان", "0 ", "x9z", numbers[0], holders[0], "1|", "عملیاتیتدبیر"} {
			key := persian.SearchKey(q)
			var want int
			err := db.View(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM certificates WHERE product_search LIKE ? ESCAPE '\'
					OR vendor_search LIKE ? ESCAPE '\' OR number = ? OR holder_id = ?`,
					likePattern(key), likePattern(key), CanonicalNumber(q), persian.NormalizeID(q)).Scan(&want)
			})
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Search(ctx, Query{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if want > 0 {
				matched++
			}
			if res.Total != want {
				t.Errorf("%q: search total %d, LIKE finds %d", q, res.Total, want)
			}
			if fmt.Sprint(want > 0) != fmt.Sprint(len(res.Items) > 0) {
				t.Errorf("%q: %d items for %d matches", q, len(res.Items), want)
			}
		}
		if matched < 10 {
			t.Errorf("only %d of the terms match anything: the comparison says little", matched)
		}
	})
}
