package store

import (
	"context"
	"database/sql"
	"strings"
)

// querier is what a Tx runs its statements on: a database/sql transaction (PostgreSQL,
// and SQLite snapshots) or one of SQLite's long-lived connections (cachedConn).
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// maxCachedStmts bounds a connection's statement cache; statements beyond it are
// prepared for each use, as before the cache existed.
const maxCachedStmts = 512

// cachedConn is one SQLite connection held for the life of the DB, with its prepared
// statements kept. modernc's SQLite prepares every statement from text on each call
// otherwise, and parsing was a quarter of the intake profile (docs/BENCHMARKS.md).
// Only one goroutine uses a cachedConn at a time (the committer, or the reader that
// took it from the pool), so the map needs no lock.
//
// Exec and QueryRow use the cache. Query does not: a cached statement is one SQLite
// VM, and a caller iterating its rows while running the same SQL again (a nested
// lookup) would reset it under the outer loop. QueryRow is safe because Scan finishes
// with the VM before the caller can run anything else.
type cachedConn struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
}

func newCachedConn(conn *sql.Conn) *cachedConn {
	return &cachedConn{conn: conn, stmts: make(map[string]*sql.Stmt)}
}

// stmt returns the cached statement for q, preparing it on first use, or nil when q
// is not cached (a multi-statement script, or the cache is full).
func (c *cachedConn) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if s, ok := c.stmts[q]; ok {
		return s, nil
	}
	if len(c.stmts) >= maxCachedStmts || strings.Contains(q, ";") {
		return nil, nil
	}
	s, err := c.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.stmts[q] = s
	return s, nil
}

func (c *cachedConn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.conn.ExecContext(ctx, q, args...)
	}
	return s.ExecContext(ctx, args...)
}

func (c *cachedConn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return c.conn.QueryContext(ctx, q, args...)
}

func (c *cachedConn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	s, err := c.stmt(ctx, q)
	if err != nil || s == nil {
		// On a prepare error the uncached call reports the same error through Scan.
		return c.conn.QueryRowContext(ctx, q, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// close releases the statements and gives the connection back to its pool.
func (c *cachedConn) close() error {
	for _, s := range c.stmts {
		_ = s.Close()
	}
	c.stmts = nil
	return c.conn.Close()
}
