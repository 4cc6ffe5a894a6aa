package backup

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
)

// goodKey is the kv row that remembers the newest backup a restore drill proved.
const goodKey = "backup.newest_good"

// goodLockKey serialises RecordGood on PostgreSQL ("mizbkup"); SQLite has one writer.
const goodLockKey = 0x6d697a626b7570

// Good is a backup that a restore drill proved: it restored whole, its audit chain
// verified to the manifest's head and the transparency log matched its certificates.
type Good struct {
	File      string    `json:"file"`
	TakenAt   time.Time `json:"taken_at"`
	DrilledAt time.Time `json:"drilled_at"`
	AuditHead string    `json:"audit_head"`
}

// RecordGood records g as the newest good backup of db (unless a newer one is already
// recorded) and audits the drill.
func RecordGood(ctx context.Context, db *store.DB, g Good) error {
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("backup: record good: %w", err)
	}
	err = db.Update(ctx, func(tx *store.Tx) error {
		// Two drills finishing together (the scheduler's and an operator's, or two
		// instances') both read no row and both inserted it; on PostgreSQL the second
		// failed on the key. The lock makes the second read the first's row.
		if err := tx.Lock(ctx, goodLockKey); err != nil {
			return err
		}
		prev, err := newestGood(ctx, tx)
		if err != nil {
			return err
		}
		if prev != nil && prev.TakenAt.After(g.TakenAt) {
			return nil
		}
		if prev == nil {
			_, err = tx.Exec(ctx, "INSERT INTO kv (key, value) VALUES (?, ?)", goodKey, string(b))
		} else {
			_, err = tx.Exec(ctx, "UPDATE kv SET value = ? WHERE key = ?", string(b), goodKey)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, "system", "backup.drill_passed", "backup", g.File,
			map[string]any{"taken_at": g.TakenAt.UTC().Format(time.RFC3339), "audit_head": g.AuditHead})
	})
	if err != nil {
		return fmt.Errorf("backup: record good: %w", err)
	}
	return nil
}

// NewestGood returns the newest backup a drill proved, or nil when none has been.
func NewestGood(ctx context.Context, db *store.DB) (*Good, error) {
	var g *Good
	err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		g, err = newestGood(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("backup: newest good: %w", err)
	}
	return g, nil
}

func newestGood(ctx context.Context, tx *store.Tx) (*Good, error) {
	var v string
	err := tx.QueryRow(ctx, "SELECT value FROM kv WHERE key = ?", goodKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var g Good
	if err := json.Unmarshal([]byte(v), &g); err != nil {
		return nil, fmt.Errorf("kv %s: %w", goodKey, err)
	}
	return &g, nil
}
