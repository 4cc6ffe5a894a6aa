// Package dispatch is the CERT's on-site investigation team (SLA M-4.4): the
// applicant asks for a team on a case, the team's lead records its members,
// planned departure, ETA, arrival, departure from the site and field notes, and
// the dispatch clock runs from the request to the arrival around the clock
// (SLA-CLOCK rule 4), shown to the applicant. Module guards the case engine so
// that no state claims a team left unless one was recorded.
package dispatch

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// Service is the dispatch use cases; each checks p, owns its transaction and
// writes its audit entry.
type Service struct {
	DB *store.DB
	// Cases is the case engine; reads go through it, so its policy and the cert
	// module's need-to-know gate apply.
	Cases *cases.Engine
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// open reads a CERT case as p may see it (NotFound otherwise): an incident or a
// dispatch request of a service whose module is cert.
func (s *Service) open(ctx context.Context, p *identity.Principal, code string) (*cases.View, error) {
	return s.Cases.GetOf(ctx, p, code, "cert", "incident", "dispatch")
}

// IsLead reports whether p may lead a team on the case's service: its responders
// and supervisors.
func IsLead(p *identity.Principal, service string) bool {
	return p.IsStaff() && (p.HasRole(service, identity.Responder) || p.HasRole(service, identity.Supervisor))
}
