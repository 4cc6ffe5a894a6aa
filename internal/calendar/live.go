package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// generationKey is the kv row that every calendar edit increments in its own
// transaction, so that each instance notices an edit made by another and reloads.
const generationKey = "calendar.generation"

// Live is the business calendar in force in one instance (SLA-CLOCK rule 5).
// Calendar reads it without locking from any goroutine; Reload rebuilds it from the
// database after an edit here, and Watch reloads it when another instance has edited
// the calendar (the generation counter in kv changed).
type Live struct {
	db   *store.DB
	base sla.Config
	mu   sync.Mutex // one reload at a time
	cur  atomic.Pointer[snapshot]
}

// snapshot is one loaded calendar and the generation it was loaded at.
type snapshot struct {
	cal *sla.Calendar
	gen int64
}

// NewLive loads the calendar from db on top of base (day length, location).
func NewLive(ctx context.Context, db *store.DB, base sla.Config) (*Live, error) {
	l := &Live{db: db, base: base}
	if err := l.Reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Calendar returns the national calendar in force; ForProvince gives a province's.
func (l *Live) Calendar() *sla.Calendar { return l.cur.Load().cal }

// Reload rebuilds the calendar from the database now.
func (l *Live) Reload(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The generation is read first: an edit committed in between makes it stale,
	// so the next check reloads again rather than missing the edit.
	gen, err := Generation(ctx, l.db)
	if err != nil {
		return err
	}
	cal, err := Load(ctx, l.db, l.base)
	if err != nil {
		return err
	}
	l.cur.Store(&snapshot{cal: cal, gen: gen})
	return nil
}

// ReloadIfChanged reloads the calendar if another instance edited it since the last
// load, and reports whether it did. The check is one small read.
func (l *Live) ReloadIfChanged(ctx context.Context) (bool, error) {
	gen, err := Generation(ctx, l.db)
	if err != nil || gen == l.cur.Load().gen {
		return false, err
	}
	return true, l.Reload(ctx)
}

// Watch checks for edits made by other instances every interval until ctx ends.
func (l *Live) Watch(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := l.ReloadIfChanged(ctx); err != nil && ctx.Err() == nil && log != nil {
			log.Warn("calendar: reload", "err", err)
		}
	}
}

// CalendarGeneration returns how many times the calendar has been edited.
func Generation(ctx context.Context, db *store.DB) (int64, error) {
	var v string
	err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT value FROM kv WHERE key = ?`, generationKey).Scan(&v)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("calendar: generation: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("calendar: generation %q: %w", v, err)
	}
	return n, nil
}

// bumpGeneration counts an edit in its transaction; the increment is one
// statement so that concurrent edits on PostgreSQL each count.
func bumpGeneration(ctx context.Context, tx *store.Tx) error {
	_, err := tx.Exec(ctx, `INSERT INTO kv (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(kv.value AS BIGINT) + 1 AS TEXT)`, generationKey)
	if err != nil {
		return fmt.Errorf("calendar: generation: %w", err)
	}
	return nil
}
