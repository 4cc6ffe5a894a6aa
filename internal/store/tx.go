package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Tx is a read-write transaction with a fixed timestamp, so every row written by one
// use case carries the same time.
type Tx struct {
	q       querier
	Dialect Dialect
	// Now is the instant the transaction began, from DB.Now.
	Now time.Time
	// after runs once the transaction has committed (e.g. waking the job runner).
	after []func()
}

// Update runs fn in a read-write transaction and commits it when fn returns nil, and
// returns once the commit is durable. On SQLite, calls made at the same time share
// one transaction, each in a savepoint of its own (see writer); on PostgreSQL a
// serialization failure or deadlock is retried a few times. fn may run more than
// once, so it must not have effects outside the transaction other than AfterCommit.
func (db *DB) Update(ctx context.Context, fn func(*Tx) error) error {
	if db.w != nil {
		return db.w.do(ctx, &writeReq{fn: fn})
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = db.update(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	return err
}

func (db *DB) update(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return classify(fmt.Errorf("store: begin: %w", err))
	}
	tx := &Tx{q: sqlTx, Dialect: db.Dialect, Now: db.Now().UTC()}
	defer func() {
		// A panicking use case must not leave its transaction, and its locks, open.
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		// A connection lost in the middle of the use case is an outage too, not a
		// fault of the use case: answer it with 503 like a failed begin.
		return classify(err)
	}
	if err := sqlTx.Commit(); err != nil {
		return classify(fmt.Errorf("store: commit: %w", err))
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// View runs fn in a read-only transaction (a consistent snapshot).
func (db *DB) View(ctx context.Context, fn func(*Tx) error) error {
	if db.readers != nil {
		return classify(db.readers.view(ctx, &Tx{Dialect: db.Dialect, Now: db.Now().UTC()}, fn))
	}
	sqlTx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: db.Dialect == Postgres})
	if err != nil {
		return classify(fmt.Errorf("store: begin read: %w", err))
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only
	return classify(fn(&Tx{q: sqlTx, Dialect: db.Dialect, Now: db.Now().UTC()}))
}

// AfterCommit registers f to run once the transaction commits.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Exec runs a statement written with `?` placeholders.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.q.ExecContext(ctx, rebind(tx.Dialect, q), args...)
}

// Query runs a query written with `?` placeholders. The rows must be closed (or
// read to their end) before the transaction ends, as always.
func (tx *Tx) Query(ctx context.Context, q string, args ...any) (*Rows, error) {
	q = rebind(tx.Dialect, q)
	if c, ok := tx.q.(*cachedConn); ok {
		return c.query(ctx, q, args...)
	}
	rows, err := tx.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return &Rows{Rows: rows}, nil
}

// QueryRow runs a single-row query written with `?` placeholders.
func (tx *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.q.QueryRowContext(ctx, rebind(tx.Dialect, q), args...)
}

// InsertID runs an INSERT … RETURNING id and returns the new id.
func (tx *Tx) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	if !strings.Contains(strings.ToUpper(q), "RETURNING") {
		q += " RETURNING id"
	}
	err := tx.QueryRow(ctx, q, args...).Scan(&id)
	return id, err
}

// Lock takes a transaction-scoped exclusive lock named by key. On PostgreSQL it is an
// advisory lock; SQLite already serialises writers, so it is a no-op there.
func (tx *Tx) Lock(ctx context.Context, key int64) error {
	if tx.Dialect != Postgres {
		return nil
	}
	_, err := tx.q.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", key)
	return err
}

// IsUniqueViolation reports whether err is a unique-constraint violation on either backend.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

func retryable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLSTATE 40001") || strings.Contains(s, "SQLSTATE 40P01")
}

// classify marks connection-level failures as ErrUnavailable. pgx reports a
// connection that the server or the network dropped mid-query as an unexpected EOF
// or a closed conn; SQLite never returns either (its reads are local).
func classify(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	s := err.Error()
	for _, marker := range []string{"connection refused", "failed to connect", "broken pipe",
		"connection reset", "bad connection", "SQLSTATE 57P01", "SQLSTATE 57P02", "SQLSTATE 57P03", "i/o timeout",
		"unexpected EOF", "conn closed"} {
		if strings.Contains(s, marker) {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	return err
}

// Millis converts t to the stored form of instants: Unix milliseconds, UTC.
func Millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMillis converts a stored instant back; 0 is the zero time.
func FromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// NullMillis converts an optional stored instant.
func NullMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return FromMillis(ms.Int64)
}
