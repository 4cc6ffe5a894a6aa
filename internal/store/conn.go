package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
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
// Exec and QueryRow share one statement per text: QueryRow is safe because Scan
// finishes with the VM before the caller can run anything else. Query lends a
// statement from a free list per text and takes it back when its Rows end or close:
// a cached statement is one SQLite VM, and a caller iterating its rows while running
// the same SQL again (a nested lookup) gets another statement, never the one under
// its outer loop (TestNestedQueriesOfTheSameText).
type cachedConn struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
	// detached, on the writer's connection, runs statements without the caller's
	// cancellation (see stmtCtx).
	detached bool

	mu      sync.Mutex // guards the lending (Rows may be closed after a panic unwinds elsewhere)
	idle    map[string][]*sql.Stmt
	lent    []*sql.Stmt // every Query statement prepared, for close
	queries int
}

func newCachedConn(conn *sql.Conn) *cachedConn {
	return &cachedConn{conn: conn, stmts: make(map[string]*sql.Stmt), idle: make(map[string][]*sql.Stmt)}
}

// query runs q on a statement lent from the free list of its text (prepared on
// first need), returned to the list when the Rows end or close. A script, or a text
// past the cache's bound, runs uncached.
func (c *cachedConn) query(ctx context.Context, q string, args ...any) (*Rows, error) {
	ctx = c.stmtCtx(ctx)
	c.mu.Lock()
	var s *sql.Stmt
	if free := c.idle[q]; len(free) > 0 {
		s, c.idle[q] = free[len(free)-1], free[:len(free)-1]
	}
	c.mu.Unlock()
	if s == nil {
		if c.queries >= maxCachedStmts || strings.Contains(q, ";") {
			rows, err := c.conn.QueryContext(ctx, q, args...)
			if err != nil {
				return nil, err
			}
			return &Rows{Rows: rows}, nil
		}
		var err error
		if s, err = c.conn.PrepareContext(ctx, q); err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.queries++
		c.lent = append(c.lent, s)
		c.mu.Unlock()
	}
	give := func() {
		c.mu.Lock()
		c.idle[q] = append(c.idle[q], s)
		c.mu.Unlock()
	}
	rows, err := s.QueryContext(ctx, args...)
	if err != nil {
		give()
		return nil, err
	}
	return &Rows{Rows: rows, release: give}, nil
}

// Rows are the result of Tx.Query: database/sql's rows, and on SQLite the statement
// they came from goes back to its connection's cache when they end or close.
type Rows struct {
	*sql.Rows
	release func()
}

// Next prepares the next row, as sql.Rows.Next; at the end the rows are closed
// and their statement returned.
func (r *Rows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.done()
	return false
}

// Close closes the rows and returns their statement.
func (r *Rows) Close() error {
	err := r.Rows.Close()
	r.done()
	return err
}

func (r *Rows) done() {
	if f := r.release; f != nil {
		r.release = nil
		f()
	}
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

// stmtCtx is the context a statement runs under. The writer's statements ignore
// their caller's cancellation: a call is cancelled only before its batch begins
// (writer.run), because once it runs, SQLite's interrupt on a cancelled context would
// roll back the whole batch's transaction and make every other call of it run again
// alone, and the driver watched every statement's context with a goroutine of its own
// (issue 18: 2.5 % of the intake profile). The caller waits for its answer anyway.
func (c *cachedConn) stmtCtx(ctx context.Context) context.Context {
	if c.detached {
		return context.Background()
	}
	return ctx
}

func (c *cachedConn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = c.stmtCtx(ctx)
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
	return c.conn.QueryContext(c.stmtCtx(ctx), q, args...)
}

func (c *cachedConn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = c.stmtCtx(ctx)
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
	c.mu.Lock()
	for _, s := range c.lent {
		_ = s.Close()
	}
	c.lent, c.idle = nil, nil
	c.mu.Unlock()
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
