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

// CachedQueries counts the Query statements prepared on SQLite's connections that
// are idle now (the writer's and the readers'); 0 on PostgreSQL.
func CachedQueries(db *DB) int {
	n := 0
	count := func(c *cachedConn) {
		c.mu.Lock()
		n += c.queries
		c.mu.Unlock()
	}
	if db.w != nil {
		count(db.w.conn)
	}
	if db.readers != nil {
		for {
			select {
			case c := <-db.readers.idle:
				count(c)
				defer func() { db.readers.idle <- c }()
				continue
			default:
			}
			break
		}
	}
	return n
}
