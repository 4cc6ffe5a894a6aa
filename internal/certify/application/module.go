// Package application is the CERTIFY service's case module (catalog `module:
// certify`): it checks the application form, holds the expert's review checklist,
// keeps the four-eyes rule between reviewer and signer, and issues the certificate
// in the same transaction as the signer's approval (SLA Z-4.1). The case engine
// knows nothing about certificates; it calls this module through cases.Module.
package application

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Kind is the catalog's case kind for an application.
const Kind = "application"

// The transitions of the CERTIFY process this module acts on (certify.yaml).
const (
	TransitionSubmit   = "submit"
	TransitionResubmit = "resubmit"
	TransitionPass     = "pass_review"
	TransitionFail     = "fail_criteria"
	TransitionApprove  = "approve"
	TransitionReject   = "reject"
)

// Module is the CERTIFY case module.
type Module struct {
	// Registry issues certificates; it must share the engine's database.
	Registry *certify.Registry
	// BaseURL is the desk's public URL, for links in e-mails (no trailing slash).
	BaseURL string
}

// Compile-time check that Module plugs into the case engine.
var _ cases.Module = (*Module)(nil)

// CheckForm validates and normalises the application form (see Form).
func (m *Module) CheckForm(_ context.Context, svc *catalog.Service, kind string, form json.RawMessage) (json.RawMessage, error) {
	if kind != Kind {
		return form, nil
	}
	f, err := ParseForm(svc, form)
	if err != nil {
		return nil, err
	}
	return json.Marshal(f)
}

// BeforeTransition refuses what the catalog cannot express: a submission whose
// previous certificate is unknown or another holder's, a review without a complete
// checklist (C-4.3), and a signature by the expert who reviewed the case (four eyes).
func (m *Module) BeforeTransition(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service,
	t *catalog.Transition, in cases.TransitionInput, p *identity.Principal) error {
	if c.Kind != Kind {
		return nil
	}
	switch t.ID {
	case TransitionSubmit, TransitionResubmit:
		f, err := ParseForm(svc, c.Form)
		if err != nil {
			return err
		}
		return checkPrevious(ctx, tx, c, f)
	case TransitionPass, TransitionFail:
		_, err := reviewOf(svc, t.ID, in)
		return err
	case TransitionApprove, TransitionReject:
		if t.ID == TransitionApprove && in.Decision != cases.DecisionApprove {
			return problem.Field("decision", "certify.approve.decision")
		}
		return checkNotReviewer(ctx, tx, c, p)
	}
	return nil
}

// AfterTransition stores the review checklist, and on approval issues and publishes
// the certificate in the transition's transaction (SLA Z-4.1) and tells the applicant.
func (m *Module) AfterTransition(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service,
	t *catalog.Transition, in cases.TransitionInput, p *identity.Principal) error {
	if c.Kind != Kind {
		return nil
	}
	switch t.ID {
	case TransitionPass, TransitionFail:
		list, err := reviewOf(svc, t.ID, in)
		if err != nil {
			return err
		}
		if err := saveReview(ctx, tx, c, t.ID, p.ID, list); err != nil {
			return err
		}
		if t.ID == TransitionFail {
			return tellApplicant(ctx, tx, c, m.BaseURL, failedNotice(c, list))
		}
	case TransitionApprove:
		if m.Registry == nil {
			return fmt.Errorf("certify: approve %s: no registry", c.TrackingCode)
		}
		return m.issue(ctx, tx, c, svc, p)
	}
	return nil
}

// TellsApplicant reports that the module itself tells the applicant of an issued
// certificate and of failed criteria, so the case engine does not tell them twice.
func (m *Module) TellsApplicant(t *catalog.Transition, in cases.TransitionInput) bool {
	return t.ID == TransitionFail || (t.ID == TransitionApprove && in.Decision == cases.DecisionApprove)
}
