package certify

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestSearchPlanAgreesWithLike_Issue18 holds every plan of search_plan.go (FTS5 or
// pg_trgm for long terms, the gram range for one and two characters, the vendor
// filter, the sorted page up to MaxCount and the newest-first walk over it) to the
// plain definition on 2,500 seeded certificates, on both databases: the matches
// are the rows whose stored keys contain the search key or whose number or
// national ID equals the query, newest first; Total is their number up to
// MaxCount, TotalCapped says there are more.
func TestSearchPlanAgreesWithLike_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		numbers, holders := seedRows(t, db, 2500)
		var queries []Query
		for _, q := range []string{"", "آو", "ا", "ی", "q", "zq", "1|", "|", "9", "12", "ک", "ك", "حسابداري سپيد",
			"accounting", "آرمان", "مان", "ava payroll 12", "x9z", numbers[1], holders[1], "۲۳"} {
			queries = append(queries, Query{Q: q}, Query{Q: q, Status: Revoked}, Query{Q: q, Category: "payroll", Page: 2},
				Query{Q: q, Status: Active, Page: 3}, Query{Q: q, VendorID: holders[0]}, Query{Q: q, Page: 40})
		}
		capped, walked := 0, 0
		for _, q := range queries {
			got, err := r.Search(ctx, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			want := likeSearch(t, db, q)
			wantTotal := min(len(want), MaxCount)
			page := q.Page
			if page < 1 {
				page = 1
			}
			from, to := min(len(want), (page-1)*PerPage), min(len(want), page*PerPage)
			if len(want) > MaxCount {
				capped++
				if len(want) > MaxCount && to > from {
					walked++
				}
			}
			var gotNumbers []string
			for _, it := range got.Items {
				gotNumbers = append(gotNumbers, it.Number)
			}
			if got.Total != wantTotal || got.TotalCapped != (len(want) > MaxCount) || !slices.Equal(gotNumbers, want[from:to]) {
				t.Errorf("%+v: total %d capped %v items %v; want total %d of %d, items %v",
					q, got.Total, got.TotalCapped, gotNumbers, wantTotal, len(want), want[from:to])
			}
		}
		if capped < 10 || walked < 10 {
			t.Errorf("only %d capped searches (%d with a page): the walk is hardly tested", capped, walked)
		}
	})
}

// likeSearch is the definition of a search: every matching number, newest first.
func likeSearch(t *testing.T, db *store.DB, q Query) []string {
	t.Helper()
	key := persian.SearchKey(q.Q)
	conds, args := []string{`1 = 1`}, []any{}
	if key != "" {
		conds = append(conds, `(product_search LIKE ? ESCAPE '\' OR vendor_search LIKE ? ESCAPE '\' OR number = ? OR holder_id = ?)`)
		args = append(args, likePattern(key), likePattern(key), CanonicalNumber(q.Q), persian.NormalizeID(q.Q))
	}
	if q.VendorID != "" {
		conds, args = append(conds, `holder_id = ?`), append(args, persian.NormalizeID(q.VendorID))
	}
	if q.Category != "" {
		conds, args = append(conds, `category = ?`), append(args, q.Category)
	}
	if q.Status != "" {
		conds, args = append(conds, `status = ?`), append(args, string(q.Status))
	}
	var out []string
	err := db.View(context.Background(), func(tx *store.Tx) error {
		rows, err := tx.Query(context.Background(), `SELECT number FROM certificates`+whereAll(conds)+
			` ORDER BY issued_at DESC, id DESC`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return err
			}
			out = append(out, n)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(fmt.Errorf("%+v: %w", q, err))
	}
	return out
}
