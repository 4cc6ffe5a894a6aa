package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ViewSnapshot runs fn in a read-only transaction that sees one consistent snapshot of
// the whole database for its full length, while writers carry on: REPEATABLE READ on
// PostgreSQL, a WAL read transaction on SQLite. Backups read every table through it.
func (db *DB) ViewSnapshot(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: db.Dialect == Postgres}
	if db.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	sqlTx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return classify(fmt.Errorf("store: begin snapshot: %w", err))
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only
	// SQLite fixes a read transaction's snapshot at its first read, and PostgreSQL at
	// its first statement: take it now, before fn looks at anything.
	probe := "SELECT 1"
	if db.Dialect == SQLite {
		probe = "SELECT count(*) FROM sqlite_master"
	}
	var n int
	if err := sqlTx.QueryRowContext(ctx, probe).Scan(&n); err != nil {
		return classify(fmt.Errorf("store: begin snapshot: %w", err))
	}
	return fn(&Tx{q: sqlTx, Dialect: db.Dialect, Now: db.Now().UTC()})
}

// MigrateTo applies, inside tx, the embedded migrations up to and including version,
// creating schema_migrations first. Restores use it to rebuild exactly the schema an
// archive was taken at, in the same transaction as the rows, so that a failed restore
// leaves the target empty. It refuses a version this binary does not know.
func (tx *Tx) MigrateTo(ctx context.Context, version int) error {
	ms, err := Migrations(tx.Dialect)
	if err != nil {
		return err
	}
	if len(ms) == 0 || version > ms[len(ms)-1].Version {
		return fmt.Errorf("store: schema version %d is newer than this binary knows: upgrade miz", version)
	}
	if err := tx.Lock(ctx, migrationLockKey); err != nil {
		return fmt.Errorf("store: migrate lock: %w", err)
	}
	var upTo []Migration
	for _, m := range ms {
		if m.Version <= version {
			upTo = append(upTo, m)
		}
	}
	pending, err := prepareLedger(ctx, tx.q, tx.Dialect, upTo)
	if err != nil {
		return err
	}
	for _, m := range pending {
		if err := applyMigration(ctx, tx.q, tx.Dialect, m, Millis(tx.Now)); err != nil {
			return err
		}
	}
	return nil
}
