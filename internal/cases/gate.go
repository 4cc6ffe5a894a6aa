package cases

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Gate is an optional Module interface for services whose cases are need-to-know
// (CERT incidents): the engine asks it after the policy (authz) has let p see the
// case, on every read and step of one case, and answers NotFound — never
// Forbidden, so a case's existence is not disclosed — when it says no. The queue
// is not gated: staff still see the line of a case they cannot open.
type Gate interface {
	MayRead(ctx context.Context, tx *store.Tx, c *Case, p *identity.Principal) (bool, error)
}

// needToKnow applies the service module's Gate, if it has one, to p and c.
func (e *Engine) needToKnow(ctx context.Context, tx *store.Tx, p *identity.Principal, c *Case) error {
	if e.Modules == nil || p == nil {
		return nil
	}
	svc, err := e.Catalog(ctx, c.Service, c.ServiceVersion)
	if err != nil {
		return fmt.Errorf("cases: %s: service %s v%d: %w", c.TrackingCode, c.Service, c.ServiceVersion, err)
	}
	g, ok := e.module(svc).(Gate)
	if !ok {
		return nil
	}
	allowed, err := g.MayRead(ctx, tx, c, p)
	if err != nil {
		return err
	}
	if !allowed {
		return problem.New(problem.NotFound, "cases.not_found")
	}
	return nil
}
