package reactive

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/triage"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// QueueLine is one incident in the CERT's queue: the line every member of the
// service's staff sees (no form content, D-1), with its triage.
type QueueLine struct {
	cases.QueueItem
	Severity triage.Severity
	Class    string
	// Due is the next target: the first response before triage (the reported
	// state's budget), the severity's resolution target after.
	Due time.Time
}

// SortKey is the line's place in the queue (triage.Less orders keys).
func (l QueueLine) SortKey() triage.QueueEntry {
	return triage.QueueEntry{TrackingCode: l.TrackingCode, Severity: l.Severity, Due: l.Due}
}

// Queue lists the open incidents held by the CERT in priority order: severity
// (untriaged first), then the least time left. Staff of the service see every line;
// opening one is need-to-know (Incident).
func (s *Service) Queue(ctx context.Context, p *identity.Principal, service string) ([]QueueLine, error) {
	items, err := s.Cases.Queue(ctx, p, cases.QueueFilter{Service: service, Limit: 500})
	if err != nil {
		return nil, err
	}
	var out []QueueLine
	err = s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		for _, it := range items {
			if it.Kind != KindIncident {
				continue
			}
			l := QueueLine{QueueItem: it, Due: it.DueAt}
			if r, err := loadRecord(ctx, tx, it.ID); err == nil && !r.TriagedAt.IsZero() {
				l.Severity, l.Class, l.Due = triage.Severity(r.Severity), r.Class, r.ResolutionDue
			}
			out = append(out, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := make([]triage.QueueEntry, len(out))
	byCode := make(map[string]QueueLine, len(out))
	for i, l := range out {
		keys[i], byCode[l.TrackingCode] = l.SortKey(), l
	}
	triage.SortQueue(keys)
	for i, k := range keys {
		out[i] = byCode[k.TrackingCode]
	}
	return out, nil
}
