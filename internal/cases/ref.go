package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Ref is what another domain (questions, visits, disputes) needs to know about a
// case: whose it is, who works it and whether it is closed. It never carries the
// case's form or documents (D-1).
type Ref struct {
	ID                 int64
	Code               string
	Service            string
	ServiceVersion     int
	ApplicantAccountID int64
	ApplicantPersonID  int64
	ApplicantOrgID     int64
	AssigneeAccountID  int64
	// ClosedAt is zero while the case is open.
	ClosedAt time.Time
}

// Resource describes the case, or one of its parts of kind k, to the policy.
func (r *Ref) Resource(k authz.Kind) authz.Resource {
	return authz.Resource{Kind: k, Service: r.Service, OwnerPersonID: r.ApplicantPersonID,
		OwnerOrgID: r.ApplicantOrgID, OwnerAccountID: r.ApplicantAccountID}
}

// LookupRef reads the case a typed tracking code names, within tx. An unknown case
// is a NotFound problem; a malformed code an Invalid one.
func LookupRef(ctx context.Context, tx *store.Tx, code string) (*Ref, error) {
	canon, err := ParseTrackingCode(code)
	if err != nil {
		return nil, err
	}
	return lookupRef(ctx, tx, "tracking_code = ?", canon)
}

// LookupRefByID reads a case by its id, within tx, as LookupRef does.
func LookupRefByID(ctx context.Context, tx *store.Tx, id int64) (*Ref, error) {
	return lookupRef(ctx, tx, "id = ?", id)
}

func lookupRef(ctx context.Context, tx *store.Tx, where string, arg any) (*Ref, error) {
	var r Ref
	var person, org, assignee sql.NullInt64
	var closed int64
	err := tx.QueryRow(ctx, `SELECT id, tracking_code, service, service_version, applicant_account_id,
		applicant_person_id, applicant_org_id, assignee_account_id, closed_at FROM cases WHERE `+where, arg).Scan(
		&r.ID, &r.Code, &r.Service, &r.ServiceVersion, &r.ApplicantAccountID, &person, &org, &assignee, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "cases.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("cases: look up case %v: %w", arg, err)
	}
	r.ApplicantPersonID, r.ApplicantOrgID, r.AssigneeAccountID = person.Int64, org.Int64, assignee.Int64
	r.ClosedAt = store.FromMillis(closed)
	return &r, nil
}

// Applicant is an account with a case in flight, and its e-mail ("" for none).
type Applicant struct {
	AccountID int64
	Email     string
}

// ApplicantsWithOpenCases lists, once each and by account, the applicants with a
// case not yet closed (drafts included) on one of the services, or on any service
// when none is named; outage notices (C-4.4) and catalog changes (C-4.6) tell them.
func ApplicantsWithOpenCases(ctx context.Context, tx *store.Tx, services ...string) ([]Applicant, error) {
	q := `SELECT DISTINCT c.applicant_account_id, a.email FROM cases c JOIN accounts a ON a.id = c.applicant_account_id
		WHERE c.closed_at = 0`
	args := make([]any, len(services))
	if len(services) > 0 {
		q += " AND c.service IN (?" + strings.Repeat(", ?", len(services)-1) + ")"
		for i, s := range services {
			args[i] = s
		}
	}
	rows, err := tx.Query(ctx, q+" ORDER BY c.applicant_account_id", args...)
	if err != nil {
		return nil, fmt.Errorf("cases: applicants with open cases: %w", err)
	}
	defer rows.Close()
	var out []Applicant
	for rows.Next() {
		var a Applicant
		var email sql.NullString
		if err := rows.Scan(&a.AccountID, &email); err != nil {
			return nil, fmt.Errorf("cases: applicants with open cases: %w", err)
		}
		a.Email = email.String
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cases: applicants with open cases: %w", err)
	}
	return out, nil
}
