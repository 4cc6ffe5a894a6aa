package cases

import (
	"context"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// lookupFor reads the case of code in tx for p, who must be allowed verb on the
// case's objects of kind k (may) and pass the modules' need-to-know gate: the one
// access check of the engine's reads of a case and of its messages.
func (e *Engine) lookupFor(ctx context.Context, tx *store.Tx, p *identity.Principal, code string, verb authz.Verb, k authz.Kind) (*Case, error) {
	c, err := lookup(ctx, tx, code)
	if err != nil {
		return nil, err
	}
	if err := may(p, verb, c, k); err != nil {
		return nil, err
	}
	if err := e.needToKnow(ctx, tx, p, c); err != nil {
		return nil, err
	}
	return c, nil
}
