package report

import (
	"context"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// StateDelivered is the state that says the technical report was delivered.
const StateDelivered = "report_delivered"

// Guard refuses entering "technical report delivered" unless a report of the
// case was delivered (D-3).
func Guard(ctx context.Context, tx *store.Tx, c *cases.Case, t *catalog.Transition) error {
	if t.To != StateDelivered {
		return nil
	}
	ok, err := HasDelivered(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	if !ok {
		return problem.New(problem.Conflict, "report.required_for_step")
	}
	return nil
}
