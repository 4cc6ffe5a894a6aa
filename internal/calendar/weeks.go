package calendar

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// WeekDays is a working week as people edit it: seven entries, Sunday first (Go's
// time.Weekday order), each the day's spans as "07:30-14:30", several separated by
// spaces, "" for a closed day.
type WeekDays [7]string

// FormatWeek writes a week as WeekDays.
func FormatWeek(w sla.Week) WeekDays {
	var d WeekDays
	for i, spans := range w {
		parts := make([]string, len(spans))
		for k, s := range spans {
			parts[k] = s.String()
		}
		d[i] = strings.Join(parts, " ")
	}
	return d
}

// ParseWeek reads WeekDays; a week without any working hours is refused.
func ParseWeek(d WeekDays) (sla.Week, error) {
	var w sla.Week
	for i, text := range d {
		for _, f := range strings.Fields(strings.ReplaceAll(text, ",", " ")) {
			s, err := sla.ParseSpan(f)
			if err != nil {
				return sla.Week{}, problem.Field("week", "calendar.week.invalid", f)
			}
			w[i] = append(w[i], s)
		}
	}
	if isEmptyWeek(w) {
		return sla.Week{}, problem.Field("week", "calendar.week.empty")
	}
	if _, err := sla.New(sla.Config{DayLength: sla.NationalDefault().DayLength(), Week: w}); err != nil {
		return sla.Week{}, problem.Wrap(problem.Invalid, "calendar.week.overlap", err)
	}
	return w, nil
}

// WorkingWeek is a stored working week: the national one (Province "") or a
// province's override.
type WorkingWeek struct {
	Province string   `json:"province"`
	Days     WeekDays `json:"days"`
}

// WorkingWeeks returns the national week (stored, or the default) first, then each
// province's override by code.
func (s *Service) WorkingWeeks(ctx context.Context) ([]WorkingWeek, error) {
	var out []WorkingWeek
	err := s.view(ctx, func(tx *store.Tx) error {
		var cfg sla.Config
		if err := applyStoredWeeks(ctx, tx, &cfg); err != nil {
			return err
		}
		if isEmptyWeek(cfg.Week) {
			cfg.Week = sla.NationalWeek()
		}
		out = append(out, WorkingWeek{Days: FormatWeek(cfg.Week)})
		codes := make([]string, 0, len(cfg.Provinces))
		for code := range cfg.Provinces {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		for _, code := range codes {
			out = append(out, WorkingWeek{Province: code, Days: FormatWeek(cfg.Provinces[code])})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: working weeks: %w", err)
	}
	return out, nil
}

// SetWorkingWeek stores the national week (province "") or a province's override,
// then reloads the calendar and recomputes open cases (SLA-CLOCK rules 5 and 6).
// A nil week removes a province's override.
func (s *Service) SetWorkingWeek(ctx context.Context, p *identity.Principal, province string, days *WeekDays) error {
	if !authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Calendar}) {
		return problem.New(problem.Forbidden, "calendar.forbidden")
	}
	province = strings.TrimSpace(province)
	var text string
	if days != nil {
		w, err := ParseWeek(*days)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(FormatWeek(w))
		text = string(b)
	} else if province == "" {
		return problem.Field("province", "calendar.week.national")
	}
	by := actor(p)
	err := s.update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM calendar_weeks WHERE province = ?`, province); err != nil {
			return err
		}
		action := "calendar.week_removed"
		if days != nil {
			action = "calendar.week_set"
			if _, err := tx.Exec(ctx, `INSERT INTO calendar_weeks (province, week, updated_at) VALUES (?, ?, ?)`,
				province, text, store.Millis(tx.Now)); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, by, action, "calendar", "week:"+province, map[string]any{"province": province, "week": text}); err != nil {
			return err
		}
		return bumpGeneration(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("calendar: set working week %q: %w", province, err)
	}
	return s.changed(ctx, by, "working week of "+provinceLabel(province)+" changed")
}

// applyStoredWeeks puts the stored weeks into cfg: the national row replaces
// cfg.Week, the others become province overrides.
func applyStoredWeeks(ctx context.Context, tx *store.Tx, cfg *sla.Config) error {
	rows, err := tx.Query(ctx, `SELECT province, week FROM calendar_weeks ORDER BY province`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var code, text string
		if err := rows.Scan(&code, &text); err != nil {
			return err
		}
		var d WeekDays
		if err := json.Unmarshal([]byte(text), &d); err != nil {
			return fmt.Errorf("working week of %q: %w", code, err)
		}
		w, err := ParseWeek(d)
		if err != nil {
			return fmt.Errorf("working week of %q: %w", code, err)
		}
		if code == "" {
			cfg.Week = w
			continue
		}
		if cfg.Provinces == nil {
			cfg.Provinces = map[string]sla.Week{}
		}
		cfg.Provinces[code] = w
	}
	return rows.Err()
}

func provinceLabel(code string) string {
	if code == "" {
		return "the nation"
	}
	return "province " + code
}
