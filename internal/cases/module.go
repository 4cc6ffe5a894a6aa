package cases

import (
	"context"
	"encoding/json"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// Module is a service's one small Go module (catalog field `module`): the engine keeps
// state, holder, clock, documents, messages, history and audit for every kind of case
// alike, and asks the module only what the catalog cannot say — whether the form is
// valid, and what else happens when a transition is taken (CERTIFY issues a
// certificate on approval, in the same transaction: SLA Z-4.1).
type Module interface {
	// CheckForm validates and normalises an applicant's form for a case kind; it
	// returns a *problem.Error naming the field at fault.
	CheckForm(ctx context.Context, svc *catalog.Service, kind string, form json.RawMessage) (json.RawMessage, error)
	// BeforeTransition may refuse a transition (e.g. a review checklist left empty).
	BeforeTransition(ctx context.Context, tx *store.Tx, c *Case, svc *catalog.Service, t *catalog.Transition, in TransitionInput, p *identity.Principal) error
	// AfterTransition runs in the transition's transaction, after the state change.
	AfterTransition(ctx context.Context, tx *store.Tx, c *Case, svc *catalog.Service, t *catalog.Transition, in TransitionInput, p *identity.Principal) error
}

func (e *Engine) module(svc *catalog.Service) Module {
	if e.Modules == nil || svc == nil || svc.Module == "" {
		return nil
	}
	return e.Modules[svc.Module]
}
