// Package desk keeps the service desk's duties around a case: applicants' questions
// with their own first-response clock (SLA C-4.7, SLA-CLOCK rule 10), in-person
// visits counted against the published maximum (C-4.8), and feedback on closed cases
// with per-staff aggregates (C-4.9). It shares the database with the case engine and
// reads cases by their tracking codes; it never changes a case's state.
package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Desk runs the use cases of questions, visits and feedback.
type Desk struct {
	DB *store.DB
	// Catalog resolves a service at a version (0: the version in force now).
	Catalog cases.Catalog
	// Calendar returns the business calendar in force; nil means the national default.
	Calendar func() *sla.Calendar
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (d *Desk) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Desk) calendar() *sla.Calendar {
	if d.Calendar == nil {
		return sla.NationalDefault()
	}
	return d.Calendar()
}

// update runs fn in a transaction whose Now is the desk's clock.
func (d *Desk) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return d.DB.UpdateAt(ctx, d.now, fn)
}

func (d *Desk) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return d.DB.ViewAt(ctx, d.now, fn)
}

// caseRef is the part of a case the desk needs: who owns it, which service version
// it runs under, whether it is closed and who works it.
type caseRef struct {
	ID             int64
	Code           string
	Service        string
	ServiceVersion int
	OwnerAccountID int64
	OwnerPersonID  int64
	OwnerOrgID     int64
	AssigneeID     int64
	ClosedAt       time.Time
}

func (c *caseRef) resource(k authz.Kind) authz.Resource {
	return authz.Resource{Kind: k, Service: c.Service, OwnerPersonID: c.OwnerPersonID,
		OwnerOrgID: c.OwnerOrgID, OwnerAccountID: c.OwnerAccountID}
}

// loadCase parses a typed tracking code and reads its case.
func loadCase(ctx context.Context, tx *store.Tx, code string) (*caseRef, error) {
	canon, err := cases.ParseTrackingCode(code)
	if err != nil {
		return nil, err
	}
	var c caseRef
	var person, org, assignee sql.NullInt64
	var closed int64
	err = tx.QueryRow(ctx, `SELECT id, tracking_code, service, service_version, applicant_account_id,
		applicant_person_id, applicant_org_id, assignee_account_id, closed_at FROM cases WHERE tracking_code = ?`, canon).
		Scan(&c.ID, &c.Code, &c.Service, &c.ServiceVersion, &c.OwnerAccountID, &person, &org, &assignee, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "cases.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("desk: load case %s: %w", canon, err)
	}
	c.OwnerPersonID, c.OwnerOrgID, c.AssigneeID = person.Int64, org.Int64, assignee.Int64
	c.ClosedAt = store.FromMillis(closed)
	return &c, nil
}

// may asks the policy about a case, answering NotFound rather than Forbidden to
// someone who may not even see the case, as the case engine does, so that tracking
// codes cannot be probed.
func may(p *identity.Principal, v authz.Verb, c *caseRef, k authz.Kind) error {
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
