package complaints

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// CaseActions is what the desk asks of the case engine to carry out a decision's
// remedies; *cases.Engine satisfies it. A remedy it cannot carry out is tracked until
// a supervisor marks it done.
type CaseActions interface {
	Assign(ctx context.Context, p *identity.Principal, code string, assignee int64) error
}

// Reopener is implemented by a case engine that can reopen a closed case; when
// Cases has it, the reopen remedy is carried out through it.
type Reopener interface {
	Reopen(ctx context.Context, p *identity.Principal, code, reason string) error
}

// OrderedReopener is implemented by a case engine that reopens a closed case inside
// the desk's transaction on the authority of a committee decision (*cases.Engine
// does): the reopening and the remedy marked done then commit together, or neither.
type OrderedReopener interface {
	ReopenOrdered(ctx context.Context, tx *store.Tx, p *identity.Principal, code string, in cases.ReopenInput) error
}

// Service runs the use cases of disputes and complaints.
type Service struct {
	DB *store.DB
	// Catalog resolves the service whose complaint clocks and quorum apply.
	Catalog cases.Catalog
	// Calendar returns the business calendar in force (SLA-CLOCK rule 10).
	Calendar func() *sla.Calendar
	// Cases carries out remedies through the case engine; nil only tracks them.
	Cases CaseActions
	// Wake, when set, starts e-mail delivery as soon as a change commits.
	Wake jobs.Waker
	// BaseURL is the absolute address of the desk, for links in e-mail.
	BaseURL string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand supplies randomness for tracking codes; nil means crypto/rand.
	Rand io.Reader
}

// New returns the complaints service that shares the case engine's database, catalog, calendar
// and clock, and carries out remedies through it.
func New(e *cases.Engine) *Service {
	return &Service{DB: e.DB, Catalog: e.Catalog, Calendar: e.Calendar, Cases: e, Now: e.Now, Rand: e.Rand}
}

func (d *Service) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Service) calendar() *sla.Calendar {
	if d.Calendar == nil {
		return sla.NationalDefault()
	}
	return d.Calendar()
}

// update runs fn in a transaction whose Now is the desk's clock.
func (d *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return d.DB.UpdateAt(ctx, d.now, fn)
}

func (d *Service) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return d.DB.ViewAt(ctx, d.now, fn)
}

// change runs a use case and, when it is refused (a problem a person is told about),
// records the attempt in the audit log in a transaction of its own: the change rolled
// back, the attempt must not.
func (d *Service) change(ctx context.Context, p *identity.Principal, action, kind, id string, fn func(tx *store.Tx) error) error {
	return d.refused(ctx, p, action, kind, id, d.update(ctx, fn))
}

// refused records err in the audit log, in a transaction of its own, when it is a
// refusal a person is told about, and returns it; nil and internal errors pass.
func (d *Service) refused(ctx context.Context, p *identity.Principal, action, kind, id string, err error) error {
	if err == nil {
		return nil
	}
	pe := problem.As(err)
	if pe.Code == problem.Internal || pe.Code == problem.Unavailable {
		return err
	}
	summary := map[string]any{"attempt": action, "refused": pe.Key, "code": string(pe.Code)}
	if aerr := d.update(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, actor(p), "complaints.refused", kind, id, summary)
	}); aerr != nil {
		return fmt.Errorf("complaints: %s: audit the refusal: %w (refused: %w)", action, aerr, err)
	}
	return err
}

// actor names a principal in the audit log.
func actor(p *identity.Principal) string {
	if p == nil {
		return "anonymous"
	}
	return audit.AccountActor(p.ID)
}

// queueOpts wakes the job runner on commit when one is set.
func (d *Service) queueOpts() []jobs.Option {
	if d.Wake == nil {
		return nil
	}
	return []jobs.Option{jobs.Wake(d.Wake)}
}

// budget converts a catalog duration into an SLA budget.
func budget(amount int, unit string) sla.Budget {
	return sla.Budget{Amount: amount, Unit: sla.Unit(unit)}
}
