package store

import (
	"context"
	"time"
)

// stamp is a transaction timestamp as stored: UTC, whole milliseconds.
func stamp(now func() time.Time) time.Time {
	if now == nil {
		now = time.Now
	}
	return now().UTC().Truncate(time.Millisecond)
}

// UpdateAt is Update with the transaction's Now taken from a use case's own clock
// (domain packages inject one for tests) instead of DB.Now.
func (db *DB) UpdateAt(ctx context.Context, now func() time.Time, fn func(*Tx) error) error {
	return db.Update(ctx, func(tx *Tx) error {
		tx.Now = stamp(now)
		return fn(tx)
	})
}

// ViewAt is View with the transaction's Now taken from now.
func (db *DB) ViewAt(ctx context.Context, now func() time.Time, fn func(*Tx) error) error {
	return db.View(ctx, func(tx *Tx) error {
		tx.Now = stamp(now)
		return fn(tx)
	})
}
