package reactive

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Service is the CERT desk's use cases beyond the generic case steps; web and API
// call its methods, each of which checks access (the engine's policy and the
// need-to-know gate), owns its transaction and writes its audit entry.
type Service struct {
	DB *store.DB
	// Cases is the case engine, with this package's Module registered as "cert".
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

// open reads an incident as p may see it: the engine's policy and need-to-know
// gate decide (others get NotFound); a case of another kind is not an incident.
func (s *Service) open(ctx context.Context, p *identity.Principal, ref string) (*cases.View, error) {
	v, err := s.Cases.Get(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	if v.Kind != KindIncident || v.ServiceDef == nil || v.ServiceDef.Module != "cert" {
		return nil, problem.New(problem.NotFound, "cert.not_found")
	}
	return v, nil
}

// openForStaff is open for the CERT's own work: p must be staff who handles or
// supervises incidents (the applicant may read, not triage or close).
func (s *Service) openForStaff(ctx context.Context, p *identity.Principal, ref string) (*cases.View, error) {
	v, err := s.open(ctx, p, ref)
	if err != nil {
		return nil, err
	}
	if !p.IsStaff() || !(p.HasRole(v.Service, identity.Supervisor) || p.HasRole(v.Service, identity.Responder) ||
		p.HasRole(v.Service, identity.Analyst)) {
		return nil, problem.New(problem.Forbidden, "cert.forbidden")
	}
	return v, nil
}

// update runs fn in a transaction whose Now is the service's clock.
func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.now, fn)
}
