package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Rolling upgrades (issue 19, docs/OPERATIONS.md "Upgrades"): while instances are
// replaced one by one, an older binary keeps serving on a schema a newer one migrated,
// as long as every migration it does not know only added things. A migration that
// breaks older binaries (drops or renames, a constraint old code may violate) says so
// in its header with the line
//
//	-- miz:breaking
//
// and the ledger records it (schema_migrations.breaking) when it is applied, so that an
// older binary, which has not got the file, can tell. Start-up still refuses any newer
// schema (planMigrations): only a running instance is allowed to finish its life.

// BreakingMarker is the header line that marks a migration as breaking.
const BreakingMarker = "-- miz:breaking"

// IsBreaking reports whether the migration text carries BreakingMarker in its
// header: the comment and blank lines before the first statement.
func IsBreaking(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == BreakingMarker:
			return true
		case line == "" || strings.HasPrefix(line, "--"):
			continue
		default:
			return false
		}
	}
	return false
}

// addBreakingColumn upgrades a ledger made before breaking migrations were recorded.
func addBreakingColumn(ctx context.Context, q querier, d Dialect) error {
	if d == Postgres {
		_, err := q.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS breaking INTEGER NOT NULL DEFAULT 0")
		return err
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'breaking'").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN breaking INTEGER NOT NULL DEFAULT 0")
	return err
}

// recordBreaking marks m breaking in the ledger, in the transaction that applies it,
// so that older instances become unready the moment it commits.
func recordBreaking(ctx context.Context, q querier, d Dialect, m Migration) error {
	if !IsBreaking(m.SQL) {
		return nil
	}
	if _, err := q.ExecContext(ctx, rebind(d, "UPDATE schema_migrations SET breaking = 1 WHERE version = ?"), m.Version); err != nil {
		return fmt.Errorf("store: migrate %s: record breaking: %w", m.Name, err)
	}
	return nil
}

// CheckServing is the readiness check of a running instance: nil when the database is
// at this binary's version (CheckSchema), and also when it is newer but every
// migration this binary does not know is additive (none marked breaking) and every one
// it knows is applied unchanged. Newer returns the schema version when it is ahead.
func (db *DB) CheckServing(ctx context.Context) (newer int, err error) {
	strict := db.CheckSchema(ctx)
	if strict == nil {
		return 0, nil
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	latest := db.LatestVersion()
	if v <= latest {
		return 0, strict
	}
	ms, err := Migrations(db.Dialect)
	if err != nil {
		return 0, err
	}
	applied, err := readLedger(ctx, db.read)
	if err != nil {
		return 0, classify(err)
	}
	var known []appliedMigration
	for _, a := range applied {
		if a.Version <= latest {
			known = append(known, a)
		}
	}
	pending, backfill, err := planMigrations(ms, known)
	if err != nil {
		return 0, err
	}
	if len(pending) > 0 || len(backfill) > 0 {
		return 0, fmt.Errorf("store: schema at version %d lacks migrations this binary has: run miz migrate", v)
	}
	var name string
	err = db.read.QueryRowContext(ctx, rebind(db.Dialect,
		"SELECT name FROM schema_migrations WHERE version > ? AND breaking <> 0 ORDER BY version LIMIT 1"), latest).Scan(&name)
	switch {
	case err == nil:
		return v, fmt.Errorf("store: schema version %d has migration %s, marked breaking, which this binary (version %d) predates: replace this instance", v, name, latest)
	case !errors.Is(err, sql.ErrNoRows):
		return v, classify(fmt.Errorf("store: read schema_migrations: %w", err))
	}
	return v, nil
}
