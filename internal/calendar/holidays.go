package calendar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// HolidayRecord is a stored holiday or closure as the admin page and the API show it.
type HolidayRecord struct {
	ID int64 `json:"id"`
	// Date is the Gregorian civil date in Asia/Tehran; Jalali is the same day.
	Date   string `json:"date"`
	Jalali string `json:"jalali"`
	NameFa string `json:"name_fa"`
	NameEn string `json:"name_en"`
	// Province is "" for a nationwide holiday.
	Province string `json:"province"`
	// From and To bound a partial closure ("10:00", "14:30"); both are "" for a whole day.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Holidays lists the holidays and closures of a Jalali year, by date.
func (s *Service) Holidays(ctx context.Context, jalaliYear int) ([]HolidayRecord, error) {
	if jalaliYear < 1300 || jalaliYear > 1600 {
		return nil, problem.Field("year", "calendar.year.invalid")
	}
	from, to := gregorianISO(jalali.Date{Year: jalaliYear, Month: 1, Day: 1}), gregorianISO(jalali.Date{Year: jalaliYear + 1, Month: 1, Day: 1})
	var out []HolidayRecord
	err := s.view(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, day, province, name_fa, name_en, closed_start, closed_end FROM holidays
			WHERE day >= ? AND day < ? ORDER BY day, province, closed_start`, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h HolidayRecord
			var start, end int
			if err := rows.Scan(&h.ID, &h.Date, &h.Province, &h.NameFa, &h.NameEn, &start, &end); err != nil {
				return err
			}
			if t, err := time.Parse(time.DateOnly, h.Date); err == nil {
				h.Jalali = jalali.FromGregorian(t.Year(), int(t.Month()), t.Day()).String()
			}
			if start != 0 || end != 0 {
				span := sla.Span{Start: start, End: end}.String()
				h.From, h.To, _ = strings.Cut(span, "-")
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: holidays of %d: %w", jalaliYear, err)
	}
	return out, nil
}

// AddHolidays stores holidays or closures in one transaction, all or none, with an
// audit entry each, then reloads the calendar and recomputes every open case's
// deadline (SLA-CLOCK rules 5 and 6). A holiday already stored is a Conflict.
func (s *Service) AddHolidays(ctx context.Context, p *identity.Principal, hs []sla.Holiday, reason string) ([]int64, error) {
	if !authz.Decide(p, authz.Create, authz.Resource{Kind: authz.Calendar}) {
		return nil, problem.New(problem.Forbidden, "calendar.forbidden")
	}
	if len(hs) == 0 {
		return nil, problem.Field("csv", "calendar.import.empty")
	}
	for _, h := range hs {
		if strings.TrimSpace(h.NameFa) == "" && strings.TrimSpace(h.NameEn) == "" {
			return nil, problem.Field("name_fa", "calendar.holiday.name")
		}
		if _, err := sla.New(sla.Config{DayLength: 7 * time.Hour, Week: sla.NationalWeek(), Holidays: []sla.Holiday{h}}); err != nil {
			return nil, problem.Wrap(problem.Invalid, "calendar.holiday.invalid", err)
		}
	}
	return s.addHolidays(ctx, actor(p), hs, reason)
}

// addHolidays stores hs for AddHolidays, as by.
func (s *Service) addHolidays(ctx context.Context, by string, hs []sla.Holiday, reason string) ([]int64, error) {
	var ids []int64
	err := s.update(ctx, func(tx *store.Tx) error {
		ids = ids[:0]
		for _, h := range hs {
			id, err := tx.InsertID(ctx, `INSERT INTO holidays (day, province, name_fa, name_en, closed_start, closed_end, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, h.Date.String(), h.Province, h.NameFa, h.NameEn, h.Closed.Start, h.Closed.End, store.Millis(tx.Now))
			if store.IsUniqueViolation(err) {
				return problem.New(problem.Conflict, "calendar.holiday.exists", h.Date.String())
			}
			if err != nil {
				return err
			}
			ids = append(ids, id)
			if err := audit.Record(ctx, tx, by, "calendar.holiday_added", "calendar", h.Date.String(),
				map[string]any{"id": id, "province": h.Province, "name_fa": h.NameFa, "closed": h.Closed.String()}); err != nil {
				return err
			}
		}
		return bumpGeneration(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: add holidays: %w", err)
	}
	return ids, s.changed(ctx, by, reason)
}

// DeleteHoliday removes a holiday, then reloads the calendar and recomputes open
// cases as AddHolidays does.
func (s *Service) DeleteHoliday(ctx context.Context, p *identity.Principal, id int64) error {
	if !authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Calendar}) {
		return problem.New(problem.Forbidden, "calendar.forbidden")
	}
	by := actor(p)
	var day string
	err := s.update(ctx, func(tx *store.Tx) error {
		var province, name string
		if err := tx.QueryRow(ctx, `SELECT day, province, name_fa FROM holidays WHERE id = ?`, id).Scan(&day, &province, &name); err != nil {
			return &problem.Error{Code: problem.NotFound, Key: "calendar.holiday.not_found", Err: err}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM holidays WHERE id = ?`, id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, by, "calendar.holiday_deleted", "calendar", day,
			map[string]any{"id": id, "province": province, "name_fa": name}); err != nil {
			return err
		}
		return bumpGeneration(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("calendar: delete holiday %d: %w", id, err)
	}
	return s.changed(ctx, by, "holiday of "+day+" deleted")
}

// ImportHolidays reads a year's holiday CSV (sla.ParseHolidays; Jalali dates such as
// 1405-01-01 are accepted) and stores it with AddHolidays, all or nothing. A line that
// cannot be read is an Invalid error naming the line.
func (s *Service) ImportHolidays(ctx context.Context, p *identity.Principal, r io.Reader) (int, error) {
	if !authz.Decide(p, authz.Create, authz.Resource{Kind: authz.Calendar}) {
		return 0, problem.New(problem.Forbidden, "calendar.forbidden")
	}
	hs, err := sla.ParseHolidays(r, JalaliToGregorian)
	var le *sla.LineError
	if errors.As(err, &le) {
		return 0, &problem.Error{Code: problem.Invalid, Key: "calendar.import.line", Args: []any{le.Line, le.Err.Error()}, Field: "csv", Err: err}
	}
	if err != nil {
		return 0, problem.Wrap(problem.Invalid, "calendar.import.unreadable", err)
	}
	ids, err := s.AddHolidays(ctx, p, hs, fmt.Sprintf("%d holidays imported", len(hs)))
	return len(ids), err
}

// JalaliToGregorian is sla.ParseHolidays' date hook: it reads a Jalali date (Persian
// or Latin digits, "-" or "/") and returns the Gregorian one.
func JalaliToGregorian(text string) (y, m, d int, ok bool) {
	j, err := jalali.Parse(text)
	if err != nil {
		return 0, 0, 0, false
	}
	y, m, d = j.Gregorian()
	return y, m, d, true
}
