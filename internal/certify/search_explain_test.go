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
	_ = r.DB.View(ctx, func(tx *store.Tx) error {
		idx, err := textIndexOf(ctx, r.DB, tx)
		if err != nil {
			tb.Fatal(err)
		}
		prefix := "EXPLAIN QUERY PLAN "
		if tx.Dialect == store.Postgres {
			prefix = "EXPLAIN (ANALYZE, COSTS OFF) "
		}
		for _, q := range queries {
			m := q.plan(idx)
			sorted, sargs := m.sorted()
			walk, wargs := m.walk()
			for _, st := range []struct {
				sql  string
				args []any
			}{{sorted + ` LIMIT 20`, sargs}, {walk + ` LIMIT 20`, wargs}} {
				sql, args := st.sql, st.args
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
				fmt.Fprintf(os.Stderr, "%+v\n%s\n", q, strings.Join(plan, "\n"))
			}
		}
		return nil
	})
}
