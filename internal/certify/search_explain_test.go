package certify

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
)

// explainMix logs the query plans of the benchmark's searches (MIZ_BENCH_EXPLAIN=1).
func explainMix(tb testing.TB, r *Registry, queries []Query) {
	if os.Getenv("MIZ_BENCH_EXPLAIN") == "" {
		return
	}
	ctx := context.Background()
	prefix := "EXPLAIN QUERY PLAN "
	if r.DB.Dialect == store.Postgres {
		prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
	}
	for _, q := range queries {
		for _, walk := range []bool{false, true} {
			// Each plan in a transaction of its own, with the planner settings
			// Search uses for it.
			_ = r.DB.View(ctx, func(tx *store.Tx) error {
				idx, err := textIndexOf(ctx, r.DB, tx)
				if err != nil {
					tb.Fatal(err)
				}
				if err := plannerSettings(ctx, tx, false); err != nil {
					tb.Fatal(err)
				}
				m := q.plan(idx)
				sql, args := m.sorted()
				if walk {
					if err := plannerSettings(ctx, tx, true); err != nil {
						tb.Fatal(err)
					}
					sql, args = m.walk()
				}
				sql += ` LIMIT 20`
				rows, err := tx.Query(ctx, prefix+sql, args...)
				if err != nil {
					tb.Fatal(err)
				}
				var plan []string
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					_ = rows.Scan(ptrs...)
					var parts []string
					for _, v := range vals {
						if s, ok := v.(string); ok {
							parts = append(parts, s)
						}
					}
					plan = append(plan, strings.Join(parts, " "))
				}
				rows.Close()
				fmt.Fprintf(os.Stderr, "%+v (walk %v)\n%s\n", q, walk, strings.Join(plan, "\n"))
				return nil
			})
		}
	}
}
