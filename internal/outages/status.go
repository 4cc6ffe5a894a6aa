package outages

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// ServiceStatus is one service's line on the status page.
type ServiceStatus struct {
	Service string `json:"service"`
	NameFa  string `json:"name_fa,omitempty"`
	NameEn  string `json:"name_en,omitempty"`
	State   State  `json:"state"`
	// Outages lists the IDs of the outages active on the service now.
	Outages []int64 `json:"outages,omitempty"`
}

// Status is the public state of the desk (SLA C-4.4): every service's state now,
// what is happening, what is planned, and what happened lately.
type Status struct {
	AsOf     time.Time       `json:"as_of"`
	State    State           `json:"state"`
	Services []ServiceStatus `json:"services"`
	Current  []Outage        `json:"current"`
	Upcoming []Outage        `json:"upcoming"`
	History  []Outage        `json:"history"`
}

// HistoryDays is how far back the status page shows ended outages.
const HistoryDays = 90

// severity orders the states so that the worst one wins.
func severity(s State) int {
	switch s {
	case Unavailable:
		return 3
	case Disrupted:
		return 2
	case Maintenance:
		return 1
	}
	return 0
}

// Status returns the desk's public status now.
func (s *Service) Status(ctx context.Context) (*Status, error) {
	now := s.now()
	st := &Status{AsOf: now, State: Operational, Current: []Outage{}, Upcoming: []Outage{}, History: []Outage{}}
	var all []Outage
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		// Everything ongoing, planned ahead, or ended within the history window.
		all, err = query(ctx, tx, "ends_at IS NULL OR ends_at > ? ORDER BY starts_at DESC, id DESC LIMIT 500",
			store.Millis(now.Add(-HistoryDays*24*time.Hour)))
		return err
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	names := map[string][2]string{}
	if s.Services != nil {
		svcs, err := s.Services(ctx)
		if err != nil {
			return nil, fmt.Errorf("outages: status: services: %w", err)
		}
		for _, svc := range svcs {
			ids = append(ids, svc.ID)
			names[svc.ID] = [2]string{svc.Name.FA, svc.Name.EN}
		}
	}
	for _, o := range all {
		for _, id := range o.Services {
			if _, ok := names[id]; !ok {
				ids, names[id] = append(ids, id), [2]string{}
			}
		}
		switch {
		case o.ActiveAt(now):
			st.Current = append(st.Current, o)
		case o.Upcoming(now):
			st.Upcoming = append([]Outage{o}, st.Upcoming...) // soonest first
		default:
			st.History = append(st.History, o)
		}
	}
	for _, id := range ids {
		line := ServiceStatus{Service: id, NameFa: names[id][0], NameEn: names[id][1], State: Operational}
		for _, o := range st.Current {
			if o.Affects(id) {
				line.Outages = append(line.Outages, o.ID)
				if severity(o.state()) > severity(line.State) {
					line.State = o.state()
				}
			}
		}
		st.Services = append(st.Services, line)
	}
	for _, o := range st.Current {
		if severity(o.state()) > severity(st.State) {
			st.State = o.state()
		}
	}
	return st, nil
}
