// Package audit keeps Miz's append-only, hash-chained audit log. Every state change
// writes an entry in the same transaction as the change; each entry's hash covers the
// previous entry's hash, so an edited, deleted or reordered row breaks the chain. The
// chain's head is signed from time to time as an anchor (anchor.go), so that a cut
// tail, or a chain edited and rehashed from the edit on, no longer verifies either.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/store"
)

// lockKey serialises appends on PostgreSQL (SQLite has one writer already).
const lockKey = 0x6d697a617564 // "mizaud"

// genesis is the previous hash of the first entry.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audit record.
type Entry struct {
	Seq        int64
	At         time.Time
	Actor      string // "account:12", "system", "job:sla"
	Action     string // "case.submit", "auth.login"
	ObjectKind string
	ObjectID   string
	// Summary is a small before/after description; never document content (D-1).
	Summary  map[string]any
	PrevHash string
	Hash     string
}

// Record appends an entry in tx. Actor, Action and ObjectKind are required.
func Record(ctx context.Context, tx *store.Tx, actor, action, objectKind, objectID string, summary map[string]any) error {
	if actor == "" || action == "" || objectKind == "" {
		return errors.New("audit: actor, action and object kind are required")
	}
	if err := tx.Lock(ctx, lockKey); err != nil {
		return fmt.Errorf("audit: lock: %w", err)
	}
	var prevSeq sql.NullInt64
	var prevHash sql.NullString
	err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&prevSeq, &prevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: read head: %w", err)
	}
	e := Entry{Seq: prevSeq.Int64 + 1, At: tx.Now, Actor: actor, Action: action,
		ObjectKind: objectKind, ObjectID: objectID, Summary: summary, PrevHash: genesis}
	if prevHash.Valid {
		e.PrevHash = prevHash.String
	}
	sum, err := canonicalSummary(summary)
	if err != nil {
		return err
	}
	e.Hash = hashEntry(e, sum)
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, object_kind, object_id, summary, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, store.Millis(e.At), e.Actor, e.Action, e.ObjectKind, e.ObjectID, sum, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit: append %s: %w", action, err)
	}
	return nil
}

func canonicalSummary(m map[string]any) (string, error) {
	if m == nil {
		return "{}", nil
	}
	b, err := json.Marshal(m) // map keys are sorted by encoding/json
	if err != nil {
		return "", fmt.Errorf("audit: summary: %w", err)
	}
	return string(b), nil
}

// hashEntry hashes the previous hash and every field, length-prefixed so that no two
// different entries share an encoding.
func hashEntry(e Entry, summary string) string {
	h := sha256.New()
	for _, f := range []string{e.PrevHash, strconv.FormatInt(e.Seq, 10), strconv.FormatInt(store.Millis(e.At), 10),
		e.Actor, e.Action, e.ObjectKind, e.ObjectID, summary} {
		fmt.Fprintf(h, "%d:%s\n", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyResult is what a walk of the chain found.
type VerifyResult struct {
	Entries int64
	Head    string
}

// BadEntryError names the first entry that breaks the chain.
type BadEntryError struct {
	Seq    int64
	Reason string
}

func (e *BadEntryError) Error() string {
	return fmt.Sprintf("audit: entry %d: %s", e.Seq, e.Reason)
}

// Verify walks the whole chain in order and returns its head hash, or a *BadEntryError
// naming the first entry that was edited, deleted or reordered. progress, if not nil,
// is called every 10,000 entries.
func Verify(ctx context.Context, db *store.DB, progress func(n int64)) (VerifyResult, error) {
	return walk(ctx, db, progress, nil)
}

// walk checks the chain in order, calling visit (if not nil) with the length and head
// of the chain after each good entry.
func walk(ctx context.Context, db *store.DB, progress func(n int64), visit func(n int64, hash string)) (VerifyResult, error) {
	var res VerifyResult
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT seq, at, actor, action, object_kind, object_id, summary, prev_hash, hash
			FROM audit_log ORDER BY seq`)
		if err != nil {
			return fmt.Errorf("audit: verify: %w", err)
		}
		defer rows.Close()
		prev, want := genesis, int64(1)
		for rows.Next() {
			var e Entry
			var at int64
			var summary string
			if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.ObjectKind, &e.ObjectID, &summary, &e.PrevHash, &e.Hash); err != nil {
				return fmt.Errorf("audit: verify: %w", err)
			}
			e.At = store.FromMillis(at)
			switch {
			case e.Seq != want:
				return &BadEntryError{Seq: want, Reason: fmt.Sprintf("missing or reordered (found %d next)", e.Seq)}
			case e.PrevHash != prev:
				return &BadEntryError{Seq: e.Seq, Reason: "previous-hash link broken"}
			case hashEntry(e, summary) != e.Hash:
				return &BadEntryError{Seq: e.Seq, Reason: "content does not match its hash (edited)"}
			}
			prev, want = e.Hash, want+1
			res.Entries++
			if visit != nil {
				visit(res.Entries, e.Hash)
			}
			if progress != nil && res.Entries%10000 == 0 {
				progress(res.Entries)
			}
		}
		res.Head = prev
		return rows.Err()
	})
	return res, err
}

// ForObject lists the entries about one object, oldest first.
func ForObject(ctx context.Context, db *store.DB, kind, id string) ([]Entry, error) {
	var out []Entry
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT seq, at, actor, action, summary, hash FROM audit_log
			WHERE object_kind = ? AND object_id = ? ORDER BY seq`, kind, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := Entry{ObjectKind: kind, ObjectID: id}
			var at int64
			var summary string
			if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &summary, &e.Hash); err != nil {
				return err
			}
			e.At = store.FromMillis(at)
			_ = json.NewDecoder(strings.NewReader(summary)).Decode(&e.Summary)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("audit: list %s/%s: %w", kind, id, err)
	}
	return out, nil
}
