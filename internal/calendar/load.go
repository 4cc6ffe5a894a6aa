package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Load builds the business calendar from the working weeks (national and per
// province) and the holidays table (SLA-CLOCK rule 5) on top of cfg (day length,
// location). Live caches the result and rebuilds it after an edit.
func Load(ctx context.Context, db *store.DB, cfg sla.Config) (*sla.Calendar, error) {
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
		return nil, fmt.Errorf("calendar: load: %w", err)
	}
	return sla.New(cfg)
}

// AddHoliday stores a holiday or closure for Load, with an audit entry, without a
// permission check, a generation bump or a recompute: for seeding and tests.
// Administrators go through Service.AddHolidays.
func AddHoliday(ctx context.Context, db *store.DB, by string, h sla.Holiday) error {
	return db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO holidays (day, province, name_fa, name_en, closed_start, closed_end, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, h.Date.String(), h.Province, h.NameFa, h.NameEn, h.Closed.Start, h.Closed.End, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("calendar: add holiday: %w", err)
		}
		return audit.Record(ctx, tx, by, "calendar.holiday_added", "calendar", h.Date.String(),
			map[string]any{"province": h.Province, "name_fa": h.NameFa, "closed": h.Closed.String()})
	})
}

func isEmptyWeek(w sla.Week) bool {
	for _, d := range w {
		if len(d) > 0 {
			return false
		}
	}
	return true
}
