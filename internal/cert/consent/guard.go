package consent

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// TransitionGrantAccess is the incident's step "access granted" (cert.yaml).
const TransitionGrantAccess = "grant_access"

// Guard refuses the step "grant access" of an incident unless the organisation
// recorded a consent that is live now: the state's name claims a grant.
func Guard(ctx context.Context, tx *store.Tx, c *cases.Case, t *catalog.Transition) error {
	if t.ID != TransitionGrantAccess || c.Kind != "incident" {
		return nil
	}
	list, err := listConsents(ctx, tx, c.ID)
	if err != nil {
		return fmt.Errorf("consent: guard %s: %w", c.TrackingCode, err)
	}
	for _, k := range list {
		if k.StatusAt(tx.Now) == StatusLive {
			return nil
		}
	}
	return problem.New(problem.Conflict, "consent.required_for_step")
}
