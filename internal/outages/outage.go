// Package outages records planned and unplanned outages of the service desk and its
// services, and tells people about them (SLA C-4.4): a public status, a banner on
// every page, notices to applicants with cases in flight, planned work announced
// ahead, and availability figures for the published KPIs.
//
// Outages never stop a case's SLA clock (SLA-CLOCK rule 8): they are the
// Organization's responsibility and count against availability, not against the
// applicant, so nothing here touches cases or case_events.
package outages

import (
	"context"
	"slices"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/store"
)

// Kind says whether an outage was planned (maintenance, announced ahead) or not.
type Kind string

// The kinds of outage.
const (
	Planned   Kind = "planned"
	Unplanned Kind = "unplanned"
)

// Impact says how badly the affected services are hit.
type Impact string

// The impacts: Down means the service cannot be used; Degraded means it works
// slowly or in part.
const (
	Down     Impact = "outage"
	Degraded Impact = "degraded"
)

// State is a service's current state on the status page.
type State string

// The states a service can be in, worst last.
const (
	Operational State = "operational"
	Maintenance State = "planned-maintenance"
	Disrupted   State = "degraded"
	Unavailable State = "outage"
)

// AnnounceAhead is how long before a planned outage the banner starts to warn.
const AnnounceAhead = 48 * time.Hour

// Outage is one recorded outage.
type Outage struct {
	ID     int64  `json:"id"`
	Kind   Kind   `json:"kind"`
	Impact Impact `json:"impact"`
	// Services lists the affected services; empty means every service.
	Services []string `json:"services"`
	// AllServices is true when the whole desk is affected.
	AllServices bool      `json:"all_services"`
	Start       time.Time `json:"start"`
	// End is zero while an unplanned outage is ongoing; a planned outage has its
	// announced end.
	End         time.Time `json:"end,omitzero"`
	NoticeFa    string    `json:"notice_fa"`
	NoticeEn    string    `json:"notice_en"`
	CreatedBy   int64     `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	AnnouncedAt time.Time `json:"announced_at,omitzero"`
	// Notified counts the applicants told about it.
	Notified int `json:"-"`
}

// Affects reports whether the outage hits a service.
func (o Outage) Affects(service string) bool {
	return o.AllServices || slices.Contains(o.Services, service)
}

// ActiveAt reports whether the outage is under way at t.
func (o Outage) ActiveAt(t time.Time) bool {
	return !o.Start.After(t) && (o.End.IsZero() || t.Before(o.End))
}

// Upcoming reports whether the outage is still to begin at t.
func (o Outage) Upcoming(t time.Time) bool { return o.Start.After(t) }

// state is what the outage makes of an affected service while active.
func (o Outage) state() State {
	switch {
	case o.Kind == Planned:
		return Maintenance
	case o.Impact == Degraded:
		return Disrupted
	default:
		return Unavailable
	}
}

// Notice returns the notice text in a language, falling back to Persian.
func (o Outage) Notice(en bool) string {
	if en && o.NoticeEn != "" {
		return o.NoticeEn
	}
	return o.NoticeFa
}

// Service runs the use cases of outages: announcing and ending them, the status
// page, the banner and the availability figures, kept in the database.
type Service struct {
	DB *store.DB
	// Services lists the services of the catalog, to check the affected ones and to
	// show every service on the status page; nil accepts any service name.
	Services func(ctx context.Context) ([]*catalog.Service, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC().Truncate(time.Millisecond)
	}
	return s.Now().UTC().Truncate(time.Millisecond)
}

// update runs fn in a transaction whose Now is the store's clock.
func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.Now, fn)
}
