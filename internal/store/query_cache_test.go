package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestNestedQueriesOfTheSameText: a query run again, with other arguments, while the
// rows of the same text are still being read (a nested lookup) gets a statement of
// its own, so the outer loop reads every row in order; statements are reused once
// their rows end or close, in reads and in writes (issue 18: Tx.Query is cached on
// SQLite).
func TestNestedQueriesOfTheSameText(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const q = "SELECT key, value FROM kv WHERE key >= ? ORDER BY key"
		if err := db.Update(ctx, func(tx *store.Tx) error {
			for i := range 5 {
				if _, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", fmt.Sprintf("nest-%d", i), fmt.Sprint(i)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var read func(tx *store.Tx, from string, nested bool) ([]string, error)
		read = func(tx *store.Tx, from string, nested bool) ([]string, error) {
			rows, err := tx.Query(ctx, q, from)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var k, v string
				if err := rows.Scan(&k, &v); err != nil {
					return nil, err
				}
				if len(k) < 5 || k[:5] != "nest-" {
					continue
				}
				out = append(out, k)
				if nested {
					inner, err := read(tx, "nest-3", false)
					if err != nil {
						return nil, err
					}
					if len(inner) != 2 {
						return nil, fmt.Errorf("inner read from nest-3: %v", inner)
					}
				}
			}
			return out, rows.Err()
		}
		for _, run := range []func(context.Context, func(*store.Tx) error) error{db.View, db.Update} {
			for round := range 50 { // reuse: many rounds on the same connections
				if err := run(ctx, func(tx *store.Tx) error {
					// PostgreSQL runs one query at a time on a connection (pgx: "conn
					// busy"), so only SQLite nests.
					got, err := read(tx, "nest-0", round%2 == 0 && db.Dialect == store.SQLite)
					if err != nil {
						return err
					}
					if fmt.Sprint(got) != "[nest-0 nest-1 nest-2 nest-3 nest-4]" {
						return fmt.Errorf("outer loop read %v", got)
					}
					// Closed early: the statement goes back and serves the next query.
					rows, err := tx.Query(ctx, q, "nest-4")
					if err != nil {
						return err
					}
					return rows.Close()
				}); err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
		}
		if n := store.CachedQueries(db); n > 8 {
			t.Errorf("%d query statements prepared for one text used at most two deep", n)
		}
	})
}
