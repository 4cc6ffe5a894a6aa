package cases

import (
	"context"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Submit sends a draft to the Organization: the applicant's transition from the
// initial state to the first state the Organization holds. It checks the mandatory
// documents (SLA C-4.2) and starts the clock (SLA-CLOCK rule 2). Submitting twice is
// a Conflict.
func (e *Engine) Submit(ctx context.Context, p *identity.Principal, code string) (*Case, error) {
	var c *Case
	err := e.update(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = lookup(ctx, tx, code); err != nil {
			return err
		}
		svc, k, err := e.process(ctx, c)
		if err != nil {
			return err
		}
		if c.State != k.Process.Initial || !c.SubmittedAt.IsZero() {
			if err := may(p, authz.View, c, authz.Case); err != nil {
				return err
			}
			return problem.New(problem.Conflict, "cases.submit.twice")
		}
		t := firstApplicantMove(k, c.State, "")
		if t == nil {
			return problem.New(problem.Conflict, "cases.transition.wrong_state", "submit", c.State)
		}
		return e.apply(ctx, tx, p, c, svc, k, t, TransitionInput{})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// firstApplicantMove finds the applicant's transition out of state into a state the
// Organization holds, preferring the one named id.
func firstApplicantMove(k *catalog.CaseKind, state, id string) *catalog.Transition {
	var found *catalog.Transition
	for _, t := range k.TransitionsFrom(state) {
		to, ok := k.State(t.To)
		if t.Role != catalog.RoleApplicant || !ok || to.Holder != catalog.HolderOrganization {
			continue
		}
		if t.ID == id {
			return t
		}
		if found == nil {
			found = t
		}
	}
	return found
}
