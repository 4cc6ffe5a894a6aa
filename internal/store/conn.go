package store

import (
	"context"
	"database/sql"
	"fmt"
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
// Exec and QueryRow share one cache; QueryRow is safe because Scan finishes with the
// VM before the caller can run anything else. Query has a cache of its own (issue 18):
// a cached statement is one SQLite VM, and a caller iterating its rows while running
// the same SQL again (a nested lookup) would reset it under the outer loop, so a
// cached query statement is lent to one *sql.Rows at a time and a second Query of the
// same text while those rows are open prepares afresh, as before the cache existed.
type cachedConn struct {
	conn    *sql.Conn
	stmts   map[string]*sql.Stmt
	queries map[string]*queryStmt
}

// queryStmt is a cached statement for Query and the rows last read from it.
type queryStmt struct {
	stmt *sql.Stmt
	rows *sql.Rows
}

// busy reports whether the rows last lent from qs are still open. database/sql
// closes rows when Next reaches the end, on Close, and when their context ends;
// Columns fails exactly when they are closed.
func (qs *queryStmt) busy() bool {
	if qs.rows == nil {
		return false
	}
	if _, err := qs.rows.Columns(); err != nil {
		qs.rows = nil
		return false
	}
	return true
}

func newCachedConn(conn *sql.Conn) *cachedConn {
	return &cachedConn{conn: conn, stmts: make(map[string]*sql.Stmt), queries: make(map[string]*queryStmt)}
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
	qs, ok := c.queries[q]
	if !ok {
		if len(c.queries) >= maxCachedStmts || strings.Contains(q, ";") {
			return c.conn.QueryContext(ctx, q, args...)
		}
		s, err := c.conn.PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		qs = &queryStmt{stmt: s}
		c.queries[q] = qs
	}
	if qs.busy() {
		// A nested Query of the same text: its own VM, prepared for this use.
		return c.conn.QueryContext(ctx, q, args...)
	}
	rows, err := qs.stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	qs.rows = rows
	return rows, nil
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
	for _, qs := range c.queries {
		_ = qs.stmt.Close()
	}
	c.queries = nil
	return c.conn.Close()
}

// readPool lends SQLite's reader connections, each with its statement cache, to View.
type readPool struct {
	pool *sql.DB
	idle chan *cachedConn
	open chan struct{} // a token per open connection
}

func newReadPool(pool *sql.DB, size int) *readPool {
	return &readPool{pool: pool, idle: make(chan *cachedConn, size), open: make(chan struct{}, size)}
}

func (p *readPool) get(ctx context.Context) (*cachedConn, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
	}
	select {
	case c := <-p.idle:
		return c, nil
	case p.open <- struct{}{}:
		conn, err := p.pool.Conn(ctx)
		if err != nil {
			<-p.open
			return nil, err
		}
		return newCachedConn(conn), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put returns c to the pool, or closes it when it is no longer usable.
func (p *readPool) put(c *cachedConn, broken bool) {
	if broken {
		_ = c.close()
		<-p.open
		return
	}
	p.idle <- c
}

// close closes the idle connections; connections still lent out close with the pool.
func (p *readPool) close() {
	for {
		select {
		case c := <-p.idle:
			_ = c.close()
		default:
			return
		}
	}
}

// view runs fn in a read transaction on a pooled connection.
func (p *readPool) view(ctx context.Context, tx *Tx, fn func(*Tx) error) (err error) {
	c, err := p.get(ctx)
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		p.put(c, true)
		return fmt.Errorf("store: begin read: %w", err)
	}
	broken := true // unless the ROLLBACK below runs and succeeds (fn may panic)
	defer func() { p.put(c, broken) }()
	tx.q = c
	err = fn(tx)
	if _, rbErr := c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr == nil {
		broken = false
	}
	return err
}
