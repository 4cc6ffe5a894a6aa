package store

import (
	"context"
	"fmt"
	"log/slog"
)

// The ledger is schema_migrations: one row per applied migration with the SHA-256 of
// its file, so that the schema version is not just MAX(version) and a changed file, or
// a file numbered below one already applied, is refused instead of skipped.

// appliedMigration is one row of the ledger.
type appliedMigration struct {
	Version  int
	Name     string
	Checksum string // "" for rows written before checksums were recorded
}

// prepareLedger creates or upgrades schema_migrations on q, checks what it records
// against ms, records the checksums of migrations applied before checksums were kept,
// and returns the migrations still to apply, in order.
func prepareLedger(ctx context.Context, q querier, d Dialect, ms []Migration) ([]Migration, error) {
	if _, err := q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL, checksum TEXT)`); err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	if err := addChecksumColumn(ctx, q, d); err != nil {
		return nil, fmt.Errorf("store: migrate: upgrade schema_migrations: %w", err)
	}
	if err := addBreakingColumn(ctx, q, d); err != nil { // issue 19: rolling upgrades
		return nil, fmt.Errorf("store: migrate: upgrade schema_migrations: %w", err)
	}
	applied, err := readLedger(ctx, q)
	if err != nil {
		return nil, err
	}
	pending, backfill, err := planMigrations(ms, applied)
	if err != nil {
		return nil, err
	}
	for _, m := range backfill {
		if _, err := q.ExecContext(ctx, rebind(d, "UPDATE schema_migrations SET checksum = ? WHERE version = ?"), m.Checksum, m.Version); err != nil {
			return nil, fmt.Errorf("store: migrate: record checksum of %s: %w", m.Name, err)
		}
	}
	if len(backfill) > 0 {
		slog.Info("recorded the checksums of migrations applied before checksums were kept", "migrations", len(backfill))
	}
	return pending, nil
}

// addChecksumColumn upgrades a ledger made before checksums were recorded.
func addChecksumColumn(ctx context.Context, q querier, d Dialect) error {
	if d == Postgres {
		_, err := q.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum TEXT")
		return err
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN checksum TEXT")
	return err
}

func readLedger(ctx context.Context, q querier) ([]appliedMigration, error) {
	rows, err := q.QueryContext(ctx, "SELECT version, name, COALESCE(checksum, '') FROM schema_migrations ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("store: migrate: read schema_migrations: %w", err)
	}
	defer rows.Close()
	var out []appliedMigration
	for rows.Next() {
		var a appliedMigration
		if err := rows.Scan(&a.Version, &a.Name, &a.Checksum); err != nil {
			return nil, fmt.Errorf("store: migrate: read schema_migrations: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: migrate: read schema_migrations: %w", err)
	}
	return out, nil
}

// planMigrations compares the ledger with the binary's migrations ms (sorted by
// version). It refuses a database newer than the binary, an applied migration whose
// file is gone, renamed or changed, and a migration numbered below the newest applied
// one that was never applied (a late file that MAX(version) would silently skip). It
// returns the migrations to apply and the applied ones whose checksum is not recorded
// yet (databases from before checksums).
func planMigrations(ms []Migration, applied []appliedMigration) (pending, backfill []Migration, err error) {
	byVersion := make(map[int]Migration, len(ms))
	latest := 0
	for _, m := range ms {
		byVersion[m.Version] = m
		latest = max(latest, m.Version)
	}
	var newest appliedMigration
	for _, a := range applied {
		if a.Version > newest.Version {
			newest = a
		}
	}
	if newest.Version > latest {
		return nil, nil, fmt.Errorf("store: database schema is version %d but this binary knows only %d: refusing to start (upgrade miz)", newest.Version, latest)
	}
	done := make(map[int]bool, len(applied))
	for _, a := range applied {
		m, ok := byVersion[a.Version]
		switch {
		case !ok:
			return nil, nil, fmt.Errorf("store: migration %s is applied in the database but this binary has no migration %d: refusing to start", a.Name, a.Version)
		case a.Name != m.Name:
			return nil, nil, fmt.Errorf("store: migration %d was applied as %s but this binary calls it %s: refusing to start", a.Version, a.Name, m.Name)
		case a.Checksum == "":
			backfill = append(backfill, m)
		case a.Checksum != m.Checksum:
			return nil, nil, fmt.Errorf("store: migration %s was changed after it was applied (SHA-256 %.12s… recorded, %.12s… now): refusing to start; restore the file and put the change in a new migration",
				m.Name, a.Checksum, m.Checksum)
		}
		done[a.Version] = true
	}
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		if m.Version < newest.Version {
			return nil, nil, fmt.Errorf("store: migration %s was never applied but %s, numbered above it, was: refusing to start; renumber it after the newest migration",
				m.Name, newest.Name)
		}
		pending = append(pending, m)
	}
	return pending, backfill, nil
}

// applyMigration runs m on q, a transaction, and records it in the ledger.
func applyMigration(ctx context.Context, q querier, d Dialect, m Migration, at int64) error {
	if _, err := q.ExecContext(ctx, m.SQL); err != nil {
		return fmt.Errorf("store: migrate %s: %w", m.Name, err)
	}
	if _, err := q.ExecContext(ctx, rebind(d, "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)"),
		m.Version, m.Name, at, m.Checksum); err != nil {
		return fmt.Errorf("store: migrate %s: record: %w", m.Name, err)
	}
	return recordBreaking(ctx, q, d, m)
}
