package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
)

// Deadlines is what must follow a calendar edit outside this package: rebuilding
// every open case's clock on the new calendar, saying why in the audit log
// (SLA-CLOCK rule 6). *cases.Engine satisfies it.
type Deadlines interface {
	RecomputeOpen(ctx context.Context, by, reason string) (int, error)
}

// Service runs the business calendar's administration: each method checks the
// caller's permission, writes in one transaction with its audit entry, then makes
// the edit take effect (Live reloads, Deadlines recomputes).
type Service struct {
	DB *store.DB
	// Live is this instance's calendar, reloaded after each edit; nil reloads nothing.
	Live *Live
	// Deadlines recomputes open cases after each edit; nil recomputes nothing.
	Deadlines Deadlines
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.now, fn)
}

func (s *Service) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.ViewAt(ctx, s.now, fn)
}

// CurrentJalaliYear returns the Jalali year of the service's now in Tehran.
func (s *Service) CurrentJalaliYear() int { return jalali.FromTime(s.now()).Year }

// changed makes an edit take effect: this instance reloads at once (others on their
// next check of the generation) and every open case's deadline is rebuilt, saying
// why in the audit log (SLA-CLOCK rule 6).
func (s *Service) changed(ctx context.Context, by, reason string) error {
	if s.Live != nil {
		if err := s.Live.Reload(ctx); err != nil {
			return err
		}
	}
	if s.Deadlines == nil {
		return nil
	}
	_, err := s.Deadlines.RecomputeOpen(ctx, by, reason)
	return err
}

// actor names a principal in the audit log.
func actor(p *identity.Principal) string {
	if p == nil {
		return "anonymous"
	}
	return audit.AccountActor(p.ID)
}

func gregorianISO(d jalali.Date) string {
	y, m, dd := d.Gregorian()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
}
