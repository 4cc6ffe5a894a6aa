// Package desk keeps the service desk's duties around a case: applicants' questions
// with their own first-response clock (SLA C-4.7, SLA-CLOCK rule 10), in-person
// visits counted against the published maximum (C-4.8), and feedback on closed cases
// with per-staff aggregates (C-4.9). It shares the database with the case engine and
// reads cases by their tracking codes; it never changes a case's state.
package desk

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Service runs the use cases of questions, visits and feedback.
type Service struct {
	DB *store.DB
	// Catalog resolves a service at a version (0: the version in force now).
	Catalog cases.Catalog
	// Calendar returns the business calendar in force; nil means the national default.
	Calendar func() *sla.Calendar
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (d *Service) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Service) calendar() *sla.Calendar {
	if d.Calendar == nil {
		return sla.NationalDefault()
	}
	return d.Calendar()
}

// update runs fn in a transaction whose Now is the desk's clock.
func (d *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return d.DB.UpdateAt(ctx, d.now, fn)
}

func (d *Service) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return d.DB.ViewAt(ctx, d.now, fn)
}

// may asks the policy about a case, answering NotFound rather than Forbidden to
// someone who may not even see the case, as the case engine does, so that tracking
// codes cannot be probed.
func may(p *identity.Principal, v authz.Verb, c *cases.Ref, k authz.Kind) error {
	if authz.Decide(p, v, c.Resource(k)) {
		return nil
	}
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !authz.Decide(p, authz.View, c.Resource(authz.Case)) {
		return problem.New(problem.NotFound, "cases.not_found")
	}
	return problem.New(problem.Forbidden, "cases.forbidden")
}

// isStaffOf reports whether p works the service's cases.
func isStaffOf(p *identity.Principal, service string) bool {
	return authz.Decide(p, authz.Act, authz.Resource{Kind: authz.Queue, Service: service})
}

// actor names a principal in the audit log, as the case engine does.
func actor(p *identity.Principal) string {
	return audit.AccountActor(p.ID)
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// lockKey is the PostgreSQL advisory lock of one case's desk records, so that two
// visits recorded at once cannot both take the last allowed one.
func lockKey(caseID int64) int64 { return 0x6465736b<<24 ^ caseID }
