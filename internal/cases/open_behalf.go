package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// ActorRoleOnBehalf is the role the events of a case opened by staff for an
// organisation name (OpenOnBehalf): the history says who did it, and for whom.
const ActorRoleOnBehalf = "on_behalf"

// OpenOnBehalf opens a case for organisation org and sends it in at once, by staff
// member p who works the service's cases: an incident reported by phone at night.
// The case is the organisation's (its members read and answer it as if they had
// opened it); the opening and submission events name p with the role
// ActorRoleOnBehalf, and the audit entry case.opened_on_behalf records both. after,
// when not nil, runs in the same transaction once the case is submitted, so that a
// module can record the channel of the report with it.
func (e *Engine) OpenOnBehalf(ctx context.Context, p *identity.Principal, org int64, in OpenInput,
	after func(ctx context.Context, tx *store.Tx, c *Case) error) (*Case, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !p.IsStaff() || !authz.Decide(p, authz.Act, authz.Resource{Kind: authz.Case, Service: in.Service}) {
		return nil, problem.New(problem.Forbidden, "cases.forbidden")
	}
	if org <= 0 {
		return nil, problem.Field("organization", "cases.behalf.org")
	}
	svc, err := e.Catalog(ctx, in.Service, 0)
	if err != nil {
		return nil, err
	}
	kind, ok := svc.Kind(in.Kind)
	if !ok {
		return nil, problem.Field("kind", "cases.kind.unknown", in.Kind)
	}
	form := in.Form
	if len(form) == 0 {
		form = json.RawMessage("{}")
	}
	if mod := e.module(svc); mod != nil {
		if form, err = mod.CheckForm(ctx, svc, kind.ID, form); err != nil {
			return nil, err
		}
	}
	initial, _ := kind.State(kind.Process.Initial)
	t := firstApplicantMove(kind, kind.Process.Initial, "")
	if initial == nil || t == nil {
		return nil, problem.New(problem.Conflict, "cases.transition.wrong_state", "submit", kind.Process.Initial)
	}
	// The organisation as applicant, acted for by p: it owns the case for the
	// policy, while every record names p's account.
	proxy := &identity.Principal{Account: identity.Account{ID: p.ID, Kind: identity.KindPerson}, ActingOrgID: org, MemberOf: []int64{org}}
	var c *Case
	err = e.update(ctx, func(tx *store.Tx) error {
		at, err := applicantType(ctx, tx, proxy)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.Field("organization", "cases.behalf.org")
		}
		if err != nil {
			return err
		}
		if !kind.Accepts(svc, at) {
			return problem.New(problem.Forbidden, "cases.applicant_type", at)
		}
		c = &Case{Service: svc.ID, ServiceVersion: svc.Version, Kind: kind.ID, State: initial.ID,
			Holder: initial.Holder, ApplicantAccountID: p.ID, ApplicantOrgID: org,
			ApplicantType: at, Form: form, CreatedAt: tx.Now, Version: 1}
		if err := e.insertCase(ctx, tx, c); err != nil {
			return err
		}
		ev := Event{At: tx.Now, ToState: initial.ID, Holder: initial.Holder, Pause: initial.Pause,
			Transition: "open", ActorAccountID: p.ID, ActorRole: ActorRoleOnBehalf}
		if err := insertEvent(ctx, tx, c.ID, 1, ev); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor(p), "case.opened_on_behalf", "case", c.TrackingCode,
			map[string]any{"service": c.Service, "version": c.ServiceVersion, "kind": c.Kind, "organization": org,
				"applicant_type": at}); err != nil {
			return err
		}
		if err := e.apply(ctx, tx, proxy, c, svc, kind, t, TransitionInput{}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE case_events SET actor_role = ? WHERE case_id = ? AND transition = ?`,
			ActorRoleOnBehalf, c.ID, t.ID); err != nil {
			return fmt.Errorf("cases: open on behalf %s: %w", c.TrackingCode, err)
		}
		if after != nil {
			return after(ctx, tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}
