// Package whitehat runs the white-hat programme (seed §6): the CERT opens a
// competition, organisations enrol their systems (the entry fee billed through
// Invoicer), researchers register under a public alias, findings arrive tied to a
// competition and a system, and staff triage, verify and award points. The public
// sees standings and closed competitions' results, never a finding's details (D-1).
package whitehat

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Service is the CERT desk the programme belongs to: staff roles are granted on it.
const Service = "cert"

// State is where a competition stands.
type State string

// The states of a competition: drafts are staff-only; an open one takes systems,
// researchers and findings; a closed one publishes its results.
const (
	Draft  State = "draft"
	Open   State = "open"
	Closed State = "closed"
)

// Competition is one white-hat competition.
type Competition struct {
	ID            int64       `json:"id"`
	Title         course.Text `json:"title"`
	Rules         course.Text `json:"rules"`
	EntryFeeRials int64       `json:"entry_fee_rials"`
	State         State       `json:"state"`
	OpenedAt      time.Time   `json:"opened_at,omitzero"`
	ClosedAt      time.Time   `json:"closed_at,omitzero"`
	Systems       int         `json:"systems"`
	Researchers   int         `json:"researchers"`
}

// Reporter hands a verified finding to the CERT's vulnerability-disclosure flow and
// returns the reference of the report it became. It is the seam to that flow,
// declared here where it is used; cmd/miz wires it. Nil keeps findings here only,
// with an empty reference.
type Reporter interface {
	Report(ctx context.Context, tx *store.Tx, f Finding) (string, error)
}

// Programme runs the white-hat use cases; each method owns its transaction, its
// permission check and its audit entry.
type Programme struct {
	DB *store.DB
	// Invoicer bills entry fees (the same seam as courses'); nil means only free
	// competitions take systems.
	Invoicer course.Invoicer
	Reporter Reporter
	Now      func() time.Time
}

func (s *Programme) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.Now, fn)
}

// allowed checks a staff permission and returns the error to show.
func allowed(p *identity.Principal, k authz.Kind, v authz.Verb) error {
	if authz.Decide(p, v, authz.Resource{Kind: k, Service: Service}) {
		return nil
	}
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	return problem.New(problem.Forbidden, "whitehat.forbidden")
}

func notFound(key string) error {
	return &problem.Error{Code: problem.NotFound, Key: key, Err: store.ErrNotFound}
}
