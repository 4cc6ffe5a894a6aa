package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Tx.Query reuses a prepared statement per connection (issue 18). A loop over the rows
// of a query that runs the same query again inside (a nested lookup, SQLite only), a query left
// half-read and closed, and the same text run again after must each see every row.
func TestQueryCacheNestedAndReused_Issue18(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const q = "SELECT key, value FROM kv WHERE key LIKE ? ORDER BY key"
		count := func(tx *store.Tx) (outer, inner int, err error) {
			rows, err := tx.Query(ctx, q, "qc-%")
			if err != nil {
				return 0, 0, err
			}
			defer rows.Close()
			for rows.Next() {
				var k, v string
				if err := rows.Scan(&k, &v); err != nil {
					return 0, 0, err
				}
				outer++
				if db.Dialect == store.Postgres {
					inner++ // pgx runs one query at a time per connection: no nesting there
					continue
				}
				in, err := tx.Query(ctx, q, k) // the same text while the outer rows are open
				if err != nil {
					return 0, 0, err
				}
				for in.Next() {
					inner++
				}
				if err := in.Close(); err != nil {
					return 0, 0, err
				}
			}
			return outer, inner, rows.Err()
		}
		halfRead := func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, q, "qc-%")
			if err != nil {
				return err
			}
			rows.Next()
			return rows.Close()
		}
		check := func(tx *store.Tx, want int) error {
			for round := 0; round < 3; round++ {
				if err := halfRead(tx); err != nil {
					return err
				}
				outer, inner, err := count(tx)
				if err != nil {
					return err
				}
				if outer != want || inner != want {
					return fmt.Errorf("round %d: outer %d inner %d, want %d each", round, outer, inner, want)
				}
			}
			return nil
		}
		err := db.Update(ctx, func(tx *store.Tx) error {
			for i := 0; i < 5; i++ {
				if _, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", fmt.Sprintf("qc-%d", i), "v"); err != nil {
					return err
				}
			}
			return check(tx, 5) // the writer's connection
		})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ { // reader connections, lent again and again
			if err := db.View(ctx, func(tx *store.Tx) error { return check(tx, 5) }); err != nil {
				t.Fatal(err)
			}
		}
		// A row written after the statement was cached is seen by the cached statement.
		err = db.Update(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", "qc-9", "v"); err != nil {
				return err
			}
			return check(tx, 6)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.View(ctx, func(tx *store.Tx) error { return check(tx, 6) }); err != nil {
			t.Fatal(err)
		}
	})
}
