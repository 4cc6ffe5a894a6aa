package dispatch

import (
	"context"
	"encoding/json"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// StateTeamDispatched is the state that says a team left: entered only when a
// team is recorded on the case (SLA M-4.4).
const StateTeamDispatched = "team_dispatched"

// Guard refuses a transition whose target state claims an event the CERT's
// records do not hold; nil lets it pass.
type Guard func(ctx context.Context, tx *store.Tx, c *cases.Case, t *catalog.Transition) error

// TeamGuard refuses entering "team dispatched" before a team is recorded.
func TeamGuard(ctx context.Context, tx *store.Tx, c *cases.Case, t *catalog.Transition) error {
	if t.To != StateTeamDispatched {
		return nil
	}
	ok, err := HasTeam(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	if !ok {
		return problem.New(problem.Conflict, "dispatch.team.required")
	}
	return nil
}

// Module is the cert case module with guards on its transitions: it passes every
// call to Next (internal/cert/reactive's module) and, before a transition, asks
// each guard. It forwards the optional engine interfaces (cases.Gate,
// cases.ActionProvider, cases.ApplicantTeller) that Next implements.
type Module struct {
	Next   cases.Module
	Guards []Guard
	// Pages tells that the web serves /cases/{code}/dispatch (with the consent and
	// report pages beside it); the case page of an incident or a dispatch request
	// then links to it.
	Pages bool
}

// ActionPages is the ID of the case page's link to the dispatch, consent and
// report pages.
const ActionPages = "cert-dispatch"

// Compile-time checks that Module plugs into the case engine as Next does.
var (
	_ cases.Module          = (*Module)(nil)
	_ cases.Gate            = (*Module)(nil)
	_ cases.ActionProvider  = (*Module)(nil)
	_ cases.ApplicantTeller = (*Module)(nil)
)

// CheckForm is Next's.
func (m *Module) CheckForm(ctx context.Context, svc *catalog.Service, kind string, form json.RawMessage) (json.RawMessage, error) {
	return m.Next.CheckForm(ctx, svc, kind, form)
}

// BeforeTransition asks every guard, then Next.
func (m *Module) BeforeTransition(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service,
	t *catalog.Transition, in cases.TransitionInput, p *identity.Principal) error {
	for _, g := range m.Guards {
		if err := g(ctx, tx, c, t); err != nil {
			return err
		}
	}
	return m.Next.BeforeTransition(ctx, tx, c, svc, t, in, p)
}

// AfterTransition is Next's.
func (m *Module) AfterTransition(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service,
	t *catalog.Transition, in cases.TransitionInput, p *identity.Principal) error {
	return m.Next.AfterTransition(ctx, tx, c, svc, t, in, p)
}

// MayRead is Next's gate, or yes when Next has none.
func (m *Module) MayRead(ctx context.Context, tx *store.Tx, c *cases.Case, p *identity.Principal) (bool, error) {
	if g, ok := m.Next.(cases.Gate); ok {
		return g.MayRead(ctx, tx, c, p)
	}
	return true, nil
}

// Actions is Next's (or steps unchanged when Next offers none), with a link to
// the dispatch, consent and report pages of an incident or a dispatch request.
func (m *Module) Actions(v *cases.View, p *identity.Principal, steps []cases.Action) []cases.Action {
	if ap, ok := m.Next.(cases.ActionProvider); ok {
		steps = ap.Actions(v, p, steps)
	}
	if m.Pages && (v.Kind == "incident" || v.Kind == "dispatch") {
		steps = append(steps, cases.Action{ID: ActionPages, Kind: cases.ActionPage, Label: "dispatch.link",
			Path: "/cases/" + v.TrackingCode + "/dispatch"})
	}
	return steps
}

// TellsApplicant is Next's, or false when Next tells nobody itself.
func (m *Module) TellsApplicant(t *catalog.Transition, in cases.TransitionInput) bool {
	if at, ok := m.Next.(cases.ApplicantTeller); ok {
		return at.TellsApplicant(t, in)
	}
	return false
}
