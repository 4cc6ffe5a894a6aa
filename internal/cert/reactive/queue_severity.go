package reactive

import (
	"context"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/triage"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Severities returns the triaged severity of each incident among items, lines of
// a staff queue the case engine has already filtered for p, keyed by tracking
// code; an untriaged incident maps to "" and other kinds of case are left out.
// Severity is on the line every member of the service's staff sees (D-1), so this
// reads nothing of a report's content (issue 13: the CERT queue shows severity).
func (s *Service) Severities(ctx context.Context, p *identity.Principal, items []cases.QueueItem) (map[string]triage.Severity, error) {
	if p == nil || !p.IsStaff() {
		return nil, problem.New(problem.Forbidden, "error.forbidden")
	}
	out := map[string]triage.Severity{}
	err := s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		for _, it := range items {
			if it.Kind != KindIncident {
				continue
			}
			out[it.TrackingCode] = ""
			r, err := loadRecord(ctx, tx, it.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue // a draft has no record yet
			}
			if err != nil {
				return err
			}
			if !r.TriagedAt.IsZero() {
				out[it.TrackingCode] = triage.Severity(r.Severity)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reactive: severities: %w", err)
	}
	return out, nil
}
