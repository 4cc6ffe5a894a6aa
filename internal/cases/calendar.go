package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// LoadCalendar builds the business calendar from the working weeks (national and per
// province) and the holidays table (SLA-CLOCK rule 5). Callers cache the result and rebuild it when an
// administrator edits a holiday, then call RecomputeOpen.
func LoadCalendar(ctx context.Context, db *store.DB, cfg sla.Config) (*sla.Calendar, error) {
	if cfg.DayLength == 0 {
		cfg.DayLength = 7 * time.Hour
	}
	if isEmptyWeek(cfg.Week) {
		cfg.Week = sla.NationalWeek()
	}
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT day, province, name_fa, name_en, closed_start, closed_end FROM holidays ORDER BY day`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h sla.Holiday
			var day string
			if err := rows.Scan(&day, &h.Province, &h.NameFa, &h.NameEn, &h.Closed.Start, &h.Closed.End); err != nil {
				return err
			}
			t, err := time.Parse(time.DateOnly, day)
			if err != nil {
				return fmt.Errorf("holiday day %q: %w", day, err)
			}
			h.Date = sla.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
			cfg.Holidays = append(cfg.Holidays, h)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return applyStoredWeeks(ctx, tx, &cfg) // national week and province overrides
	})
	if err != nil {
		return nil, fmt.Errorf("cases: load calendar: %w", err)
	}
	return sla.New(cfg)
}

// AddHoliday stores a holiday or closure for LoadCalendar, with an audit entry.
func AddHoliday(ctx context.Context, db *store.DB, by string, h sla.Holiday) error {
	return db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO holidays (day, province, name_fa, name_en, closed_start, closed_end, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, h.Date.String(), h.Province, h.NameFa, h.NameEn, h.Closed.Start, h.Closed.End, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("cases: add holiday: %w", err)
		}
		return audit.Record(ctx, tx, by, "calendar.holiday_added", "calendar", h.Date.String(),
			map[string]any{"province": h.Province, "name_fa": h.NameFa, "closed": h.Closed.String()})
	})
}

// RecomputeOpen rebuilds the clock of every open, submitted case from its history on
// the current calendar, refreshes the cached deadline and reschedules the timers, and
// records in the audit log why (SLA-CLOCK rule 6: a changed holiday moves deadlines).
// It returns how many cases it recomputed.
func (e *Engine) RecomputeOpen(ctx context.Context, by, reason string) (int, error) {
	var codes []string
	err := e.view(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT tracking_code FROM cases WHERE closed_at = 0 AND submitted_at > 0 ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			codes = append(codes, c)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("cases: recompute: %w", err)
	}
	const batch = 200
	for i := 0; i < len(codes); i += batch {
		part := codes[i:min(i+batch, len(codes))]
		err := e.update(ctx, func(tx *store.Tx) error {
			for _, code := range part {
				c, err := loadCase(ctx, tx, code)
				if err != nil {
					return err
				}
				_, k, err := e.process(ctx, c)
				if err != nil {
					return err
				}
				if err := e.refreshClock(ctx, tx, c, k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return i, fmt.Errorf("cases: recompute: %w", err)
		}
	}
	err = e.update(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, by, "case.clocks_recomputed", "calendar", "", map[string]any{"cases": len(codes), "reason": reason})
	})
	return len(codes), err
}

func isEmptyWeek(w sla.Week) bool {
	for _, d := range w {
		if len(d) > 0 {
			return false
		}
	}
	return true
}
