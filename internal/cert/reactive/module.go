// Package reactive is the CERT's reactive line as a case module (catalog `module:
// cert`): it checks the incident report, records triage on the RSIT taxonomy with
// the catalog's severity targets, handling phases and the closure code, keeps
// incidents need-to-know (cases.Gate) and applies TLP 2.0 to the incident and each
// note, indicator and file it reads or exports. The case engine knows nothing
// about incidents; it calls this module through cases.Module.
package reactive

import (
	"context"
	"encoding/json"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// KindIncident is the catalog's case kind of an incident report.
const KindIncident = "incident"

// The transitions of the incident process this module acts on (cert.yaml).
const (
	TransitionSubmit         = "submit"
	TransitionTake           = "take"
	TransitionResolve        = "resolve"
	TransitionDismiss        = "dismiss"
	TransitionDismissHandled = "dismiss_handled"
	TransitionClose          = "close"
	TransitionCloseReported  = "close_reported"
)

// Module is the CERT case module.
type Module struct {
	// Now is the clock for checking report dates; nil means time.Now.
	Now func() time.Time
	// WebPages tells the module that the web serves the incident report form and
	// the incident's page (PagePath). Until cmd/miz sets it (the web step of issue
	// 15), the case page offers no link to that page, and a report may be sent
	// without a summary, because the generic new-case page has no field for one.
	WebPages bool
}

// Compile-time checks that Module plugs into the case engine.
var (
	_ cases.Module = (*Module)(nil)
	_ cases.Gate   = (*Module)(nil)
)

func (m *Module) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

// CheckForm validates and normalises an incident report (incident.Parse): every
// field at fault at once, as incident.FieldErrors. Other kinds pass unchanged.
func (m *Module) CheckForm(_ context.Context, _ *catalog.Service, kind string, form json.RawMessage) (json.RawMessage, error) {
	if kind != KindIncident {
		return form, nil
	}
	f, err := incident.Parse(form, m.now())
	if err != nil {
		return nil, err
	}
	return json.Marshal(f)
}

// BeforeTransition refuses what the catalog cannot express: a report without what
// happened, a triage or closure step whose record is invalid, and closing as
// resolved an incident that was never triaged.
func (m *Module) BeforeTransition(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service,
	t *catalog.Transition, in cases.TransitionInput, _ *identity.Principal) error {
	if c.Kind != KindIncident {
		return nil
	}
	switch t.ID {
	case TransitionSubmit:
		f, err := incident.Parse(c.Form, time.Time{})
		if err != nil || !m.WebPages {
			return err
		}
		return f.Complete()
	case TransitionTake:
		st, err := parseStep(in.Checklist)
		if err != nil || st.Triage == nil {
			return err
		}
		_, err = st.Triage.check(svc)
		return err
	case TransitionResolve, TransitionDismiss, TransitionDismissHandled, TransitionClose, TransitionCloseReported:
		cl, err := closureOf(t.ID, in.Checklist, c.TrackingCode)
		if err != nil {
			return err
		}
		if cl.Code == ClosureResolved {
			r, err := loadRecord(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if r.TriagedAt.IsZero() {
				return problem.New(problem.Conflict, "cert.triage.required")
			}
		}
	}
	return nil
}

// AfterTransition records, in the transition's transaction: the incident and its
// indicators on submission, the triage taken with the first response, and the
// closure code on closing.
func (m *Module) AfterTransition(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service,
	t *catalog.Transition, in cases.TransitionInput, p *identity.Principal) error {
	if c.Kind != KindIncident {
		return nil
	}
	switch t.ID {
	case TransitionSubmit:
		f, err := incident.Parse(c.Form, time.Time{})
		if err != nil {
			return err
		}
		if err := insertRecord(ctx, tx, c, f.Label()); err != nil {
			return err
		}
		_, err = insertIndicators(ctx, tx, c.ID, p.ID, f.Indicators)
		return err
	case TransitionTake:
		st, err := parseStep(in.Checklist)
		if err != nil || st.Triage == nil {
			return err
		}
		return recordTriage(ctx, tx, c, svc, p, *st.Triage)
	case TransitionResolve, TransitionDismiss, TransitionDismissHandled, TransitionClose, TransitionCloseReported:
		cl, err := closureOf(t.ID, in.Checklist, c.TrackingCode)
		if err != nil {
			return err
		}
		return recordClosure(ctx, tx, c, p, cl)
	}
	return nil
}
