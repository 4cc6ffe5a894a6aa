package store

import "context"

// MigrateSet applies the migration set ms the way Migrate applies the embedded one.
func (db *DB) MigrateSet(ctx context.Context, ms []Migration) error {
	return db.migrateSet(ctx, ms, nil)
}

// NewMigration builds a migration from a file name and body, as Migrations does.
func NewMigration(d Dialect, name, body string) (Migration, error) {
	return newMigration(d, name, body)
}
