package cases

import (
	"bytes"
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

// OpenInput is what an applicant gives to open a case.
type OpenInput struct {
	Service string
	Kind    string
	// Form is the applicant's form as a JSON object (D-1); empty means {}.
	Form json.RawMessage
}

// Open opens a draft case for the applicant p on a service's current version and
// returns it with its new tracking code. The clock does not start until Submit
// (SLA-CLOCK rule 2). The kind must accept p's applicant type.
func (e *Engine) Open(ctx context.Context, p *identity.Principal, in OpenInput) (*Case, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !authz.Decide(p, authz.Create, authz.Resource{Kind: authz.Case, Service: in.Service}) {
		return nil, problem.New(problem.Forbidden, "cases.open.staff")
	}
	form := bytes.TrimSpace(in.Form)
	if len(form) == 0 || string(form) == "null" {
		form = []byte("{}")
	}
	var obj map[string]any
	if err := json.Unmarshal(form, &obj); err != nil {
		return nil, problem.Field("form", "cases.form.object")
	}
	svc, err := e.Catalog(ctx, in.Service, 0)
	if err != nil {
		return nil, err
	}
	kind, ok := svc.Kind(in.Kind)
	if !ok {
		return nil, problem.Field("kind", "cases.kind.unknown", in.Kind)
	}
	initial, ok := kind.State(kind.Process.Initial)
	if !ok {
		return nil, fmt.Errorf("cases: open: %s/%s has no initial state", svc.ID, kind.ID)
	}
	if mod := e.module(svc); mod != nil {
		checked, err := mod.CheckForm(ctx, svc, kind.ID, form)
		if err != nil {
			return nil, err
		}
		form = checked
	}
	var c *Case
	err = e.update(ctx, func(tx *store.Tx) error {
		at, err := applicantType(ctx, tx, p)
		if err != nil {
			return err
		}
		if !kind.Accepts(svc, at) {
			return problem.New(problem.Forbidden, "cases.applicant_type", at)
		}
		c = &Case{Service: svc.ID, ServiceVersion: svc.Version, Kind: kind.ID, State: initial.ID,
			Holder: initial.Holder, ApplicantAccountID: p.ID, ApplicantOrgID: p.ApplicantOrgID(),
			ApplicantType: at, Form: json.RawMessage(form), CreatedAt: tx.Now, Version: 1}
		if c.ApplicantOrgID == 0 {
			c.ApplicantPersonID = p.PersonID
		}
		if err := e.insertCase(ctx, tx, c); err != nil {
			return err
		}
		ev := Event{At: tx.Now, ToState: initial.ID, Holder: initial.Holder, Pause: initial.Pause,
			Transition: "open", ActorAccountID: p.ID, ActorRole: "applicant"}
		if err := insertEvent(ctx, tx, c.ID, 1, ev); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p), "case.opened", "case", c.TrackingCode,
			map[string]any{"service": c.Service, "version": c.ServiceVersion, "kind": c.Kind, "applicant_type": at})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// insertCase stores c under a fresh tracking code, drawing again on the rare
// collision (ON CONFLICT keeps a PostgreSQL transaction usable).
func (e *Engine) insertCase(ctx context.Context, tx *store.Tx, c *Case) error {
	for range 8 {
		code, err := NewTrackingCode(e.Rand)
		if err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_person_id, applicant_org_id, applicant_type, form, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (tracking_code) DO NOTHING RETURNING id`,
			code, c.Service, c.ServiceVersion, c.Kind, c.State, c.Holder, c.ApplicantAccountID,
			nullID(c.ApplicantPersonID), nullID(c.ApplicantOrgID), c.ApplicantType, string(c.Form), store.Millis(c.CreatedAt))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("cases: open: insert: %w", err)
		}
		c.ID, c.TrackingCode = id, code
		return nil
	}
	return errors.New("cases: open: no free tracking code after 8 draws")
}
