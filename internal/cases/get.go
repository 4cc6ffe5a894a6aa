package cases

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// View is a case with what a page or the API shows about it.
type View struct {
	Case
	// Service and Kind are the catalog entries at the case's version.
	ServiceDef *catalog.Service
	KindDef    *catalog.CaseKind
	// StateDef is the current state of the process.
	StateDef *catalog.State
	// Clock is the SLA clock rebuilt from the history now.
	Clock Clock
	// Step is the target of the current state when it has a budget of its own
	// (issue 14), nil otherwise.
	Step *StepTarget
	// Next lists the transitions out of the current state that p may take.
	Next []*catalog.Transition
	// events is the history the clock was computed from, kept for CaseView.
	events []Event
}

// Get returns a case with its clock (SLA C-4.1) to its applicant or the service's
// staff; others get NotFound.
func (e *Engine) Get(ctx context.Context, p *identity.Principal, code string) (*View, error) {
	var v *View
	err := e.view(ctx, func(tx *store.Tx) error {
		c, err := e.lookupFor(ctx, tx, p, code, authz.View, authz.Case)
		if err != nil {
			return err
		}
		v, err = e.viewOf(ctx, tx, c, tx.Now)
		if err != nil {
			return err
		}
		v.Next = nextFor(p, c, v.KindDef)
		v.Step = staffOnly(p, c, v.Step)
		return nil
	})
	return v, err
}

// nextFor lists the transitions out of c's current state that p may take.
func nextFor(p *identity.Principal, c *Case, k *catalog.CaseKind) []*catalog.Transition {
	var out []*catalog.Transition
	for _, t := range k.TransitionsFrom(c.State) {
		if checkActor(p, c, t) == nil && !awaitsPayment(k, c, t) {
			out = append(out, t)
		}
	}
	return out
}

func (e *Engine) viewOf(ctx context.Context, tx *store.Tx, c *Case, now time.Time) (*View, error) {
	svc, k, err := e.process(ctx, c)
	if err != nil {
		return nil, err
	}
	evs, err := loadEvents(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	cal, err := e.calendarFor(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	st, _ := k.State(c.State)
	return &View{Case: *c, ServiceDef: svc, KindDef: k, StateDef: st, Clock: computeClock(evs, k, cal, now),
		Step: currentTarget(k, computeSteps(evs, k, cal, now)), events: evs}, nil
}

// History returns a case's state history, oldest first, to its applicant or staff.
func (e *Engine) History(ctx context.Context, p *identity.Principal, code string) ([]Event, error) {
	var out []Event
	err := e.view(ctx, func(tx *store.Tx) error {
		c, err := e.lookupFor(ctx, tx, p, code, authz.View, authz.Case)
		if err != nil {
			return err
		}
		out, err = loadEvents(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// Tracking is the public status of a case behind a tracking code: no form, no
// documents, no names (D-1 is never public).
type Tracking struct {
	TrackingCode string
	Service      string
	Kind         string
	State        *catalog.State
	KindDef      *catalog.CaseKind
	ServiceDef   *catalog.Service
	SubmittedAt  time.Time
	ClosedAt     time.Time
	Clock        Clock
}

// Track returns the public status of a case for anyone holding its tracking code.
func (e *Engine) Track(ctx context.Context, code string) (*Tracking, error) {
	var out *Tracking
	err := e.view(ctx, func(tx *store.Tx) error {
		c, err := lookup(ctx, tx, code)
		if err != nil {
			return err
		}
		v, err := e.viewOf(ctx, tx, c, tx.Now)
		if err != nil {
			return err
		}
		clk := v.Clock
		clk.Pauses = nil
		out = &Tracking{TrackingCode: c.TrackingCode, Service: c.Service, Kind: c.Kind, State: v.StateDef,
			KindDef: v.KindDef, ServiceDef: v.ServiceDef, SubmittedAt: c.SubmittedAt, ClosedAt: c.ClosedAt, Clock: clk}
		return nil
	})
	return out, err
}
