package identity

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Shift is one line of a service's on-duty roster (issue 14), in Tehran time: the
// account is on duty on the listed weekdays (digits, 0 = Saturday … 6 = Friday;
// empty means every day) between StartMin and EndMin minutes after midnight (an end
// at or before the start runs past midnight), and only between FromDay and ToDay
// (YYYY-MM-DD, Gregorian days in Tehran; empty means open) when they are set.
type Shift struct {
	ID          int64
	Service     string
	AccountID   int64
	AccountName string
	Weekdays    string
	StartMin    int
	EndMin      int
	FromDay     string
	ToDay       string
}

// Roster edits and answers who is on duty for a service; every method owns its
// transaction and only an administrator may change it.
type Roster struct {
	DB *store.DB
}

var dayPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`) })

// check validates a shift and normalises its weekdays.
func (s *Shift) check() error {
	if strings.TrimSpace(s.Service) == "" {
		return problem.Field("service", "roster.service.required")
	}
	if s.AccountID <= 0 {
		return problem.Field("account", "roster.account.required")
	}
	seen := map[rune]bool{}
	var days []rune
	for _, r := range s.Weekdays {
		if r < '0' || r > '6' {
			return problem.Field("weekdays", "roster.weekdays.invalid")
		}
		if !seen[r] {
			seen[r] = true
			days = append(days, r)
		}
	}
	s.Weekdays = string(days)
	if s.StartMin < 0 || s.StartMin > 1440 || s.EndMin < 0 || s.EndMin > 1440 {
		return problem.Field("start", "roster.time.invalid")
	}
	for _, d := range []string{s.FromDay, s.ToDay} {
		if d != "" && !dayPattern().MatchString(d) {
			return problem.Field("from", "roster.day.invalid")
		}
	}
	if s.FromDay != "" && s.ToDay != "" && s.ToDay < s.FromDay {
		return problem.Field("to", "roster.day.order")
	}
	return nil
}

// Add puts a shift on the roster.
func (r *Roster) Add(ctx context.Context, p *Principal, s Shift) (int64, error) {
	if p == nil || !p.Admin {
		return 0, problem.New(problem.Forbidden, "error.forbidden")
	}
	if err := s.check(); err != nil {
		return 0, err
	}
	var id int64
	err := r.DB.Update(ctx, func(tx *store.Tx) error {
		acc, err := AccountByID(ctx, tx, s.AccountID)
		if err != nil || acc.Kind != KindStaff {
			return problem.Field("account", "roster.account.staff")
		}
		id, err = tx.InsertID(ctx, `INSERT INTO duty_roster (service, account_id, weekdays, start_min, end_min, from_day, to_day, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.Service, s.AccountID, s.Weekdays, s.StartMin, s.EndMin, s.FromDay, s.ToDay, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("identity: roster add: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "roster.add", "service", s.Service, map[string]any{
			"shift": id, "account": s.AccountID, "weekdays": s.Weekdays, "start": s.StartMin, "end": s.EndMin,
			"from": s.FromDay, "to": s.ToDay})
	})
	return id, err
}

// Remove takes a shift off the roster.
func (r *Roster) Remove(ctx context.Context, p *Principal, id int64) error {
	if p == nil || !p.Admin {
		return problem.New(problem.Forbidden, "error.forbidden")
	}
	return r.DB.Update(ctx, func(tx *store.Tx) error {
		var service string
		if err := tx.QueryRow(ctx, "SELECT service FROM duty_roster WHERE id = ?", id).Scan(&service); err != nil {
			return problem.New(problem.NotFound, "roster.not_found")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM duty_roster WHERE id = ?", id); err != nil {
			return fmt.Errorf("identity: roster remove %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "roster.remove", "service", service, map[string]any{"shift": id})
	})
}

// List returns the roster of every service, by service then account.
func (r *Roster) List(ctx context.Context, p *Principal) ([]Shift, error) {
	if p == nil || !p.Admin {
		return nil, problem.New(problem.Forbidden, "error.forbidden")
	}
	var out []Shift
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = shifts(ctx, tx, "")
		return err
	})
	return out, err
}

func shifts(ctx context.Context, tx *store.Tx, service string) ([]Shift, error) {
	rows, err := tx.Query(ctx, `SELECT r.id, r.service, r.account_id, a.display_name, a.username, r.weekdays, r.start_min, r.end_min,
		r.from_day, r.to_day FROM duty_roster r JOIN accounts a ON a.id = r.account_id
		WHERE (? = '' OR r.service = ?) ORDER BY r.service, r.account_id, r.id`, service, service)
	if err != nil {
		return nil, fmt.Errorf("identity: roster: %w", err)
	}
	defer rows.Close()
	var out []Shift
	for rows.Next() {
		var s Shift
		var username string
		if err := rows.Scan(&s.ID, &s.Service, &s.AccountID, &s.AccountName, &username, &s.Weekdays, &s.StartMin, &s.EndMin,
			&s.FromDay, &s.ToDay); err != nil {
			return nil, fmt.Errorf("identity: roster: %w", err)
		}
		if s.AccountName == "" {
			s.AccountName = username
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// OnDuty returns the accounts on duty for service at the instant at, in tx, each
// once, skipping disabled accounts.
func OnDuty(ctx context.Context, tx *store.Tx, service string, at time.Time) ([]int64, error) {
	all, err := shifts(ctx, tx, service)
	if err != nil {
		return nil, err
	}
	var out []int64
	seen := map[int64]bool{}
	for _, s := range all {
		if seen[s.AccountID] || !s.Covers(at) {
			continue
		}
		var disabled bool
		if err := tx.QueryRow(ctx, "SELECT disabled FROM accounts WHERE id = ?", s.AccountID).Scan(&disabled); err != nil || disabled {
			continue
		}
		seen[s.AccountID] = true
		out = append(out, s.AccountID)
	}
	return out, nil
}

// Covers reports whether the shift includes the instant at, read in Tehran time.
func (s Shift) Covers(at time.Time) bool {
	t := at.In(jalali.Tehran())
	day := t.Format("2006-01-02")
	if (s.FromDay != "" && day < s.FromDay) || (s.ToDay != "" && day > s.ToDay) {
		return false
	}
	minute := t.Hour()*60 + t.Minute()
	weekday := (int(t.Weekday()) + 1) % 7 // Saturday is the first day of the Persian week
	onDay := func(wd int) bool { return s.Weekdays == "" || strings.ContainsRune(s.Weekdays, rune('0'+wd)) }
	if s.EndMin > s.StartMin {
		return onDay(weekday) && minute >= s.StartMin && minute < s.EndMin
	}
	// A night shift: the evening of a listed day, or the small hours after it.
	return (onDay(weekday) && minute >= s.StartMin) || (onDay((weekday+6)%7) && minute < s.EndMin)
}

// StaffMember is a staff account the roster form offers.
type StaffMember struct {
	ID   int64
	Name string
}

// Staff lists the enabled staff accounts, for the roster form.
func (r *Roster) Staff(ctx context.Context, p *Principal) ([]StaffMember, error) {
	if p == nil || !p.Admin {
		return nil, problem.New(problem.Forbidden, "error.forbidden")
	}
	var out []StaffMember
	err := r.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, display_name, username FROM accounts WHERE kind = 'staff' AND disabled = FALSE ORDER BY username`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m StaffMember
			var username string
			if err := rows.Scan(&m.ID, &m.Name, &username); err != nil {
				return err
			}
			if m.Name == "" {
				m.Name = username
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("identity: roster staff: %w", err)
	}
	return out, nil
}
