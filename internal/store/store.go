// Package store opens Miz's database (embedded SQLite or PostgreSQL), runs the embedded
// migrations, and gives the domain packages one transaction type whose SQL is written
// once with `?` placeholders and rebound per dialect.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/itoir/miz/internal/problem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Dialect names the SQL flavour of an open database.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned (wrapped) when a row that was asked for does not exist. It
// is problem.ErrNotFound, so adapters test for it without importing store.
var ErrNotFound = problem.ErrNotFound

// ErrUnavailable is returned (wrapped) when the database cannot be reached; the web
// layers answer it with 503 and Retry-After. It is problem.ErrUnavailable.
var ErrUnavailable = problem.ErrUnavailable

// DB is an open Miz database. SQLite gets a single writer connection and a pool of
// readers; PostgreSQL uses one pool for both.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	w       *writer   // SQLite only: the group-committing writer that owns write's connection
	readers *readPool // SQLite only: read connections with their statement caches
	// Now is the clock used for transaction timestamps; tests inject a fixed one.
	Now func() time.Time
}

// Open opens the database named by url. An empty url selects SQLite in dataDir/miz.db;
// a url starting with postgres:// or postgresql:// selects PostgreSQL; a url starting
// with sqlite: or file: names an SQLite file explicitly.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	case url == "":
		if err := os.MkdirAll(dataDir, 0o700); err != nil { // Security #11 item 8a
			return nil, fmt.Errorf("store: create data dir: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "miz.db"))
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "sqlite:"))
	case strings.HasPrefix(url, "file:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "file:"))
	default:
		return nil, fmt.Errorf("store: unsupported database url (want postgres://… or sqlite:PATH)")
	}
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if err := privateFile(path); err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
		"&_pragma=busy_timeout(10000)"
	// synchronous(FULL) syncs the WAL at every commit, so that an acknowledged write
	// survives a power cut and not only a crash of the process; group commit (writer)
	// shares one sync among all the calls of a batch. (Syncing the WAL from a second
	// goroutine outside the write lock was tried and dropped: see docs/ARCHITECTURE.md.)
	w, err := sql.Open("sqlite", dsn+"&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1) // one writer: SQLite serialises writes anyway
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn+"&_pragma=synchronous(NORMAL)&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite reader: %w", err)
	}
	// View borrows up to 8 connections through readers and keeps them; the rest serve
	// snapshots (backups) and the odd direct query.
	r.SetMaxOpenConns(12)
	r.SetMaxIdleConns(12)
	db := &DB{Dialect: SQLite, write: w, read: r, readers: newReadPool(r, 8), Now: time.Now}
	if err := w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: ping sqlite: %w", err)
	}
	if db.w, err = startWriter(ctx, db, w); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite writer: %w", err)
	}
	// SQLite gives the WAL and shared-memory files the database file's mode; an
	// older install may have left them readable, so they are tightened here too.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Chmod(path+suffix, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
	}
	return db, nil
}

// privateFile creates the database file readable by its owner only, before SQLite
// opens it, and takes access away from others on an existing one (Security #11
// item 8a): it holds password hashes, sessions and personal data.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	// Without a connect timeout a request waits for the operating system's TCP
	// timeout (minutes) when the server is unreachable; 5 s keeps an outage a 503.
	if !strings.Contains(url, "connect_timeout=") {
		if strings.Contains(url, "?") {
			url += "&connect_timeout=5"
		} else {
			url += "?connect_timeout=5"
		}
	}
	p, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	p.SetMaxOpenConns(32)
	p.SetMaxIdleConns(16)
	p.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{Dialect: Postgres, write: p, read: p, Now: time.Now}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("store: ping postgres: %w: %w", ErrUnavailable, err)
	}
	return db, nil
}

// Close closes every pool.
func (db *DB) Close() error {
	var err error
	if db.w != nil {
		err = db.w.close()
	}
	if db.readers != nil {
		db.readers.close()
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	pool := db.write
	if db.w != nil {
		pool = db.read // the writer holds the write connection
	}
	if err := pool.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// Stats returns the write pool's statistics, exported as metrics.
func (db *DB) Stats() sql.DBStats { return db.write.Stats() }

// Rebind turns `?` placeholders into the dialect's form ($1, $2, … on PostgreSQL).
// Question marks inside single-quoted literals are left alone.
func (db *DB) Rebind(q string) string { return rebind(db.Dialect, q) }

func rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	r := rebindPostgres(q)
	// Bounded: statements built at run time (IN lists of any length) stop being
	// remembered once the cache is full, and are rewritten on each call as before.
	if reboundN.Add(1) <= maxRebound {
		rebound.Store(q, r)
	}
	return r
}

// rebound remembers the PostgreSQL form of each statement text: rewriting every
// statement's placeholders on every call was 4.5 % of the intake CPU profile on
// PostgreSQL (issue 18).
var (
	rebound    sync.Map // string → string
	reboundN   atomic.Int64
	maxRebound int64 = 4096
)

func rebindPostgres(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, inQuote := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
