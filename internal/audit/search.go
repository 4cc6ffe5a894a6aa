package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Filter selects audit entries for a reader: every set field must match. Action
// matches a prefix ("case." finds every case action); the others match exactly.
type Filter struct {
	Actor      string
	Action     string
	ObjectKind string
	ObjectID   string
	From, To   time.Time // [From, To); zero leaves that end open
	// Before pages backwards: only entries with a smaller sequence number.
	Before int64
	// Limit is at most 500; 0 means 50.
	Limit int
}

// Search returns the entries matching f, newest first, and whether older ones match
// too (the next page starts Before the last one returned).
func Search(ctx context.Context, db *store.DB, f Filter) ([]Entry, bool, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		// A prefix match without LIKE's wildcards: the range [prefix, prefix+U+FFFF).
		add("action >= ?", f.Action)
		add("action < ?", f.Action+"\uffff")
	}
	if f.ObjectKind != "" {
		add("object_kind = ?", f.ObjectKind)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		add("at >= ?", store.Millis(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", store.Millis(f.To))
	}
	if f.Before > 0 {
		add("seq < ?", f.Before)
	}
	q := `SELECT seq, at, actor, action, object_kind, object_id, summary, prev_hash, hash FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, limit+1)
	var out []Entry
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e Entry
			var at int64
			var summary string
			if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.ObjectKind, &e.ObjectID, &summary, &e.PrevHash, &e.Hash); err != nil {
				return err
			}
			e.At = store.FromMillis(at)
			_ = json.Unmarshal([]byte(summary), &e.Summary)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, false, fmt.Errorf("audit: search: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}
