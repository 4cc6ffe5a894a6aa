package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

// ErrNotDemoDatabase is returned (wrapped) by CheckDemoOnly for a database that
// holds accounts the demo did not create.
var ErrNotDemoDatabase = errors.New("the database holds accounts that are not demo accounts")

// CheckDemoOnly refuses to seed demo data into a database real people use
// (Security #11 item 13): the demo's accounts share a published password and its
// staff hold every role. A database is the demo's when Seed marked it so, or when
// it holds no account yet.
func CheckDemoOnly(ctx context.Context, db *store.DB) error {
	var accounts int
	err := db.View(ctx, func(tx *store.Tx) error {
		var v string
		err := tx.QueryRow(ctx, `SELECT value FROM kv WHERE key = ?`, seededKey).Scan(&v)
		if err == nil {
			return nil // seeded by the demo: its own database
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&accounts)
	})
	if err != nil {
		return fmt.Errorf("demo: check database: %w", err)
	}
	if accounts > 0 {
		return fmt.Errorf("demo: refusing --demo: %w (%d accounts, and the demo never seeded it); "+
			"its accounts would share a published password — use an empty data directory or database for the demo",
			ErrNotDemoDatabase, accounts)
	}
	return nil
}
