package main

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/outages"
)

// newKPI assembles the public figures of a service (SLA C-4.1, C-4.4, C-4.5, C-4.7,
// C-4.8, C-4.9) from the modules that keep them: counts and timings only (D-1).
func newKPI(m *Main, out *outages.Service) *kpi.Computer {
	db := m.DB
	return &kpi.Computer{DB: db, Catalog: m.Cases.Catalog, Calendar: m.Cases.Calendar, Now: m.Cases.Now,
		Availability: out,
		Visits: kpi.VisitFunc(func(ctx context.Context, service string, from, to time.Time) (kpi.Visits, error) {
			v, err := desk.VisitsPerCase(ctx, db, service, from, to)
			if err != nil {
				return kpi.Visits{}, err
			}
			max := 0
			if svc, err := m.Cases.Catalog(ctx, service, 0); err == nil {
				max = svc.MaxVisits
			}
			return kpi.Visits{Cases: v.Cases, Total: v.Visits, PerCase: v.PerCase, Maximum: max, OverMaximum: v.OverLimit}, nil
		}),
		FirstResponse: kpi.FirstResponseFunc(func(ctx context.Context, service string, from, to time.Time) (kpi.Stats, error) {
			f, err := desk.FirstResponse(ctx, db, service, from, to)
			if err != nil {
				return kpi.Stats{}, err
			}
			return kpi.Stats{Count: f.Answered, Median: float64(f.MedianSeconds) / 3600, P90: float64(f.P90Seconds) / 3600}, nil
		}),
		Complaints: kpi.ComplaintFunc(func(ctx context.Context, service string, from, to time.Time) (kpi.Complaints, error) {
			f, err := complaints.Stats(ctx, db, service, from, to)
			if err != nil {
				return kpi.Complaints{}, err
			}
			return kpi.Complaints{Total: f.Complaints, ByType: f.ByType, ByOutcome: f.ByOutcome}, nil
		}),
		Satisfaction: kpi.SatisfactionFunc(func(ctx context.Context, service string, from, to time.Time) (kpi.Satisfaction, error) {
			c, err := desk.CSAT(ctx, db, service, from, to)
			if err != nil {
				return kpi.Satisfaction{}, err
			}
			return kpi.Satisfaction{Responses: c.Count, Service: c.MeanService, Courtesy: c.MeanCourtesy}, nil
		}),
	}
}
