package kpi

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Computer computes reports. DB, Catalog and Calendar are required; the sources
// of the optional figures may be nil.
type Computer struct {
	DB *store.DB
	// Catalog resolves a service at a case's version, as the case engine does.
	Catalog cases.Catalog
	// Calendar returns the business calendar in force; nil means the national default.
	Calendar func() *sla.Calendar
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	Availability  AvailabilitySource
	Visits        VisitSource
	FirstResponse FirstResponseSource
	Complaints    ComplaintSource
	Satisfaction  SatisfactionSource
}

func (c *Computer) now() time.Time {
	if c.Now == nil {
		return time.Now().UTC()
	}
	return c.Now().UTC()
}

func (c *Computer) calendar() *sla.Calendar {
	if c.Calendar == nil {
		return sla.NationalDefault()
	}
	return c.Calendar()
}

// Compute returns a service's figures over a period. The delivery and pause times
// are the case engine's SLA clock (sla.Compute over each case's state history,
// SLA-CLOCK rule 6), so they match what applicants and staff were shown. An
// unknown service is NotFound.
func (c *Computer) Compute(ctx context.Context, service string, p Period) (*Report, error) {
	svc, err := c.Catalog(ctx, service, 0)
	if err != nil {
		return nil, &problem.Error{Code: problem.NotFound, Key: "kpi.service.unknown", Args: []any{service}, Err: err}
	}
	r := &Report{Service: service, Period: p, AsOf: c.now()}
	from, to := store.Millis(p.From), store.Millis(p.To)
	cal := c.calendar()
	kinds, err := c.kinds(ctx, service, from, to)
	if err != nil {
		return nil, err
	}
	var delivery, paused []float64
	steps := stepTally{}
	err = c.DB.View(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE service = ? AND submitted_at >= ? AND submitted_at < ?`,
			service, from, to).Scan(&r.Received); err != nil {
			return fmt.Errorf("kpi: received: %w", err)
		}
		return eachCompleted(ctx, tx, service, from, to, func(cc completedCase) error {
			k := kinds[kindKey{cc.version, cc.kind}]
			if k == nil {
				return fmt.Errorf("kpi: case %d: service %s v%d has no kind %q", cc.id, service, cc.version, cc.kind)
			}
			budget := sla.Budget{Amount: k.DeliveryTime.Maximum.Amount, Unit: sla.Unit(k.DeliveryTime.Maximum.Unit)}
			st := sla.Compute(cc.events, budget, cal, sla.OnResubmit(k.SLA.OnResubmit), cc.closedAt)
			r.Completed++
			if !st.Breached && st.PriorBreachAt.IsZero() {
				r.OnTime++
			}
			delivery = append(delivery, float64(st.Used)/budget.Calendar(cal).DayLength().Seconds())
			var p int64
			for _, ps := range st.Pauses {
				end := ps.To
				if end.IsZero() {
					end = cc.closedAt
				}
				p += cal.WorkingSeconds(ps.From, end)
			}
			paused = append(paused, float64(p)/cal.DayLength().Seconds())
			steps.add(k, cc, cal)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if r.Completed > 0 {
		pct := round2(float64(r.OnTime) * 100 / float64(r.Completed))
		r.OnTimePercent = &pct
	}
	r.Delivery, r.Paused = statsOf(delivery), statsOf(paused)
	r.Steps = steps.targets()
	return r, c.optional(ctx, r, svc)
}

// kindKey names a case kind at a catalog version.
type kindKey struct {
	version int
	kind    string
}

// kinds resolves, before the figures are read, every case kind that cases closed
// in the period ran under (a case keeps the version it began under, §8).
func (c *Computer) kinds(ctx context.Context, service string, from, to int64) (map[kindKey]*catalog.CaseKind, error) {
	var keys []kindKey
	err := c.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT service_version, kind FROM cases
			WHERE service = ? AND submitted_at > 0 AND closed_at >= ? AND closed_at < ?`, service, from, to)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k kindKey
			if err := rows.Scan(&k.version, &k.kind); err != nil {
				return err
			}
			keys = append(keys, k)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("kpi: case kinds: %w", err)
	}
	out := make(map[kindKey]*catalog.CaseKind, len(keys))
	for _, key := range keys {
		svc, err := c.Catalog(ctx, service, key.version)
		if err != nil {
			return nil, fmt.Errorf("kpi: %s v%d: %w", service, key.version, err)
		}
		if k, ok := svc.Kind(key.kind); ok {
			out[key] = k
		}
	}
	return out, nil
}

// optional fills in the figures that come from other modules.
func (c *Computer) optional(ctx context.Context, r *Report, svc *catalog.Service) error {
	from, to := r.Period.From, r.Period.To
	if c.Availability != nil {
		a, err := c.Availability.Availability(ctx, r.Service, from, to)
		if err != nil {
			return fmt.Errorf("kpi: availability: %w", err)
		}
		r.Availability = &a
	}
	if c.Visits != nil {
		v, err := c.Visits.Visits(ctx, r.Service, from, to)
		if err != nil {
			return fmt.Errorf("kpi: visits: %w", err)
		}
		v.Maximum = svc.MaxVisits
		if v.Cases > 0 {
			v.PerCase = round2(float64(v.Total) / float64(v.Cases))
		}
		r.Visits = &v
	}
	if c.FirstResponse != nil {
		s, err := c.FirstResponse.FirstResponse(ctx, r.Service, from, to)
		if err != nil {
			return fmt.Errorf("kpi: first response: %w", err)
		}
		r.FirstResponse = &s
	}
	if c.Complaints != nil {
		cs, err := c.Complaints.Complaints(ctx, r.Service, from, to)
		if err != nil {
			return fmt.Errorf("kpi: complaints: %w", err)
		}
		r.Complaints = &cs
	}
	if c.Satisfaction != nil {
		s, err := c.Satisfaction.Satisfaction(ctx, r.Service, from, to)
		if err != nil {
			return fmt.Errorf("kpi: satisfaction: %w", err)
		}
		r.Satisfaction = &s
	}
	return nil
}

// statsOf summarises values: the median (the mean of the middle two for an even
// count) and the 90th percentile by nearest rank.
func statsOf(vs []float64) Stats {
	s := Stats{Count: len(vs)}
	if len(vs) == 0 {
		return s
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		s.Median = vs[n/2]
	} else {
		s.Median = (vs[n/2-1] + vs[n/2]) / 2
	}
	s.P90 = vs[int(math.Ceil(0.9*float64(n)))-1]
	s.Median, s.P90 = round2(s.Median), round2(s.P90)
	return s
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
