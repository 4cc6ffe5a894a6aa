package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// ReopenTransition is the word a reopening writes as the transition of its history
// event: it is not a step of any published process, so it cannot clash with one.
const ReopenTransition = "reopen"

// ReopenInput says why a closed case goes back to work and where.
type ReopenInput struct {
	// Reason is shown to the applicant in the case's history; required.
	Reason string
	// State is the organization-held state the case returns to; empty means the
	// first organization-held state of its process.
	State string
	// Authority names the decision that orders the reopening, such as
	// "complaint:2Q7K-…" for a complaints committee's remedy (C-4.5); it is written
	// to the audit log. Empty means the supervisor's own decision.
	Authority string
}

// Reopen takes a closed case (holder none) back to the first organization-held state
// of its process, with reason shown to the applicant. Only a supervisor of the service
// may (authz CaseReopen); the complaints desk calls it to carry out a committee's
// reopen remedy. It satisfies complaints.Reopener.
func (e *Engine) Reopen(ctx context.Context, p *identity.Principal, code, reason string) error {
	return e.ReopenCase(ctx, p, code, ReopenInput{Reason: reason})
}

// ReopenCase is Reopen with the target state and the ordering decision spelled out.
func (e *Engine) ReopenCase(ctx context.Context, p *identity.Principal, code string, in ReopenInput) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	return e.update(ctx, func(tx *store.Tx) error {
		c, err := lookup(ctx, tx, code)
		if err != nil {
			return err
		}
		if !authz.Decide(p, authz.Act, c.resource(authz.CaseReopen)) {
			if err := may(p, authz.View, c, authz.Case); err != nil {
				return err
			}
			return problem.New(problem.Forbidden, "cases.transition.role", identity.Supervisor)
		}
		return e.reopen(ctx, tx, p, c, in)
	})
}

// ReopenOrdered reopens a closed case inside the caller's transaction, on the
// authority of a decision the caller has already checked: the complaints desk uses it
// to carry out the reopen remedy of an announced committee decision (C-4.5) together
// with the decision itself. The engine asks no role of p here; in.Authority must name
// the decision, and the audit entry records it.
func (e *Engine) ReopenOrdered(ctx context.Context, tx *store.Tx, p *identity.Principal, code string, in ReopenInput) error {
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if strings.TrimSpace(in.Authority) == "" {
		return fmt.Errorf("cases: reopen %s: an ordered reopening must name its decision", code)
	}
	c, err := lookup(ctx, tx, code)
	if err != nil {
		return err
	}
	return e.reopen(ctx, tx, p, c, in)
}

// reopen moves c from its final state to the target state with a history event held
// by the Organization, so the clock resumes (SLA-CLOCK rules 1 and 6). The time used
// before closing continues; the closed interval is not counted, as sla.Compute never
// counts time held by no one — the choice that favours the applicant: a reopened case
// does not get a fresh budget (no restart), and its remaining time is what was left
// when it was wrongly closed. closed_at is cleared by the move. The service module is
// not consulted: reopening is not a step of the published process, so nothing a step
// does (such as issuing a certificate) runs again.
func (e *Engine) reopen(ctx context.Context, tx *store.Tx, p *identity.Principal, c *Case, in ReopenInput) error {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return problem.Field("reason", "cases.reason.required")
	}
	_, k, err := e.process(ctx, c)
	if err != nil {
		return err
	}
	from, ok := k.State(c.State)
	if c.Holder != catalog.HolderNone || (ok && !from.Terminal) {
		return problem.New(problem.Conflict, "cases.transition.wrong_state", ReopenTransition, c.State)
	}
	to, err := reopenTarget(k, in.State)
	if err != nil {
		return err
	}
	ev := Event{At: tx.Now, FromState: c.State, ToState: to.ID, Holder: to.Holder, Transition: ReopenTransition,
		ActorAccountID: p.ID, ActorRole: string(identity.Supervisor), Reason: in.Reason}
	if in.Authority != "" && !p.HasRole(c.Service, identity.Supervisor) {
		ev.ActorRole = string(identity.Committee) // the member who recorded the decision
	}
	if err := e.move(ctx, tx, c, k, to, ev); err != nil {
		return err
	}
	return audit.Record(ctx, tx, actor(p), "case.reopened", "case", c.TrackingCode, map[string]any{
		"from": ev.FromState, "to": ev.ToState, "role": ev.ActorRole, "authority": in.Authority, "used_seconds": c.UsedSeconds})
}

// reopenTarget picks the state a reopened case returns to: the named one, which must
// be an organization-held, non-final state of the process, or else the first such.
func reopenTarget(k *catalog.CaseKind, named string) (*catalog.State, error) {
	if named != "" {
		s, ok := k.State(named)
		if !ok || s.Holder != catalog.HolderOrganization || s.Terminal {
			return nil, problem.Field("state", "cases.transition.unknown", named)
		}
		return s, nil
	}
	for i := range k.Process.States {
		if s := &k.Process.States[i]; s.Holder == catalog.HolderOrganization && !s.Terminal {
			return s, nil
		}
	}
	return nil, fmt.Errorf("cases: kind %s has no organization-held state to reopen to", k.ID)
}
