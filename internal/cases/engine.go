package cases

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Catalog returns a service at a version; version 0 asks for the version new cases
// use now. It returns a *problem.Error with code NotFound for an unknown service.
type Catalog func(ctx context.Context, id string, version int) (*catalog.Service, error)

// BlobStore is the part of the document store the engine uses: it streams an upload
// in, checking it against limits (documents.Store satisfies it).
type BlobStore interface {
	Put(ctx context.Context, r io.Reader, limits documents.Limits) (documents.Blob, error)
}

// Timers schedules the clock's milestones (warnings, breach) as durable jobs in the
// caller's transaction; nil disables scheduling. JobTimers is the jobs-backed one.
// events is the length of the history the milestones were computed from (a later
// event makes them stale).
type Timers interface {
	Schedule(ctx context.Context, tx *store.Tx, c *Case, events int, ms []sla.Milestone) error
}

// Engine runs the use cases of the case engine.
type Engine struct {
	DB *store.DB
	// Catalog resolves a service at the version a case began under.
	Catalog Catalog
	// Calendar returns the business calendar in force (holidays included); it is
	// called per computation so that an edited holiday recomputes open cases.
	Calendar func() *sla.Calendar
	// Docs stores uploaded documents; uploads fail while it is nil.
	Docs BlobStore
	// Timers schedules SLA warnings and breaches; nil schedules nothing.
	Timers Timers
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand supplies randomness for tracking codes; nil means crypto/rand.
	Rand io.Reader
	// Modules are the services' modules by catalog module name (e.g. "certify").
	Modules map[string]Module
	// BaseURL, when https, makes the links in notice e-mails absolute.
	BaseURL string
	// Invoicer issues the invoice of a step that waits for payment (§6); nil
	// issues none.
	Invoicer Invoicer
	// InAppOnly keeps step notices in-app, queuing no e-mail or SMS: for a copy of
	// the engine that seeds demo history.
	InAppOnly bool
}

// StaticCatalog serves a fixed list of services, each at its own version only;
// handy for tests and for the embedded defaults.
func StaticCatalog(svcs []*catalog.Service) Catalog {
	return func(_ context.Context, id string, version int) (*catalog.Service, error) {
		for _, s := range svcs {
			if s.ID == id && (version == 0 || version == s.Version) {
				return s, nil
			}
		}
		return nil, problem.Field("service", "cases.service.unknown", id)
	}
}

func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

func (e *Engine) calendar() *sla.Calendar {
	if e.Calendar == nil {
		return sla.NationalDefault()
	}
	return e.Calendar()
}

// update runs fn in a transaction whose Now is the engine's clock.
func (e *Engine) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return e.DB.UpdateAt(ctx, e.now, fn)
}

func (e *Engine) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return e.DB.ViewAt(ctx, e.now, fn)
}

// actor names a principal in the audit log.
func actor(p *identity.Principal) string {
	if p == nil {
		return "anonymous"
	}
	return audit.AccountActor(p.ID)
}

// resource describes a case (or one of its parts) to the authorisation policy.
func (c *Case) resource(k authz.Kind) authz.Resource {
	return authz.Resource{Kind: k, Service: c.Service, OwnerPersonID: c.ApplicantPersonID,
		OwnerOrgID: c.ApplicantOrgID, OwnerAccountID: c.ApplicantAccountID}
}

// may asks the one policy, and answers NotFound rather than Forbidden to someone who
// may not even see the case, so that tracking codes cannot be probed.
func may(p *identity.Principal, v authz.Verb, c *Case, k authz.Kind) error {
	if authz.Decide(p, v, c.resource(k)) {
		return nil
	}
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !authz.Decide(p, authz.View, c.resource(authz.Case)) {
		return problem.New(problem.NotFound, "cases.not_found")
	}
	return problem.New(problem.Forbidden, "cases.forbidden")
}

// applicantType resolves the catalog applicant type of a principal: a person for
// themself, or the kind of the organisation they act for.
func applicantType(ctx context.Context, tx *store.Tx, p *identity.Principal) (string, error) {
	org := p.ApplicantOrgID()
	if org == 0 {
		return catalog.ApplicantPerson, nil
	}
	var kind string
	if err := tx.QueryRow(ctx, "SELECT kind FROM organizations WHERE id = ?", org).Scan(&kind); err != nil {
		return "", fmt.Errorf("cases: applicant organisation %d: %w", org, err)
	}
	if kind == "government" {
		return catalog.ApplicantGovernment, nil
	}
	return catalog.ApplicantOrg, nil
}
