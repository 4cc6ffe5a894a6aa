package kpi

import (
	"context"
	"fmt"
	"maps"
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
	perKind := map[string]*kindFigures{}
	figures := func(kind string) *kindFigures {
		if perKind[kind] == nil {
			perKind[kind] = &kindFigures{KindReport: KindReport{Kind: kind}}
		}
		return perKind[kind]
	}
	steps := stepTally{}
	err = c.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT kind, COUNT(*) FROM cases WHERE service = ? AND submitted_at >= ? AND submitted_at < ?
			GROUP BY kind`, service, from, to)
		if err != nil {
			return fmt.Errorf("kpi: received: %w", err)
		}
		for rows.Next() {
			var kind string
			var n int
			if err := rows.Scan(&kind, &n); err != nil {
				rows.Close()
				return fmt.Errorf("kpi: received: %w", err)
			}
			figures(kind).Received = n
			r.Received += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("kpi: received: %w", err)
		}
		return eachCompleted(ctx, tx, service, from, to, func(cc completedCase) error {
			k := kinds[kindKey{cc.version, cc.kind}]
			if k == nil {
				return fmt.Errorf("kpi: case %d: service %s v%d has no kind %q", cc.id, service, cc.version, cc.kind)
			}
			budget := sla.Budget{Amount: k.DeliveryTime.Maximum.Amount, Unit: sla.Unit(k.DeliveryTime.Maximum.Unit)}
			st := sla.Compute(cc.events, budget, cal, sla.OnResubmit(k.SLA.OnResubmit), cc.closedAt)
			kf := figures(cc.kind)
			unit := UnitBusinessDays
			if !budget.Unit.IsBusiness() {
				unit = UnitHours // a 24×7 kind is measured in clock hours, never in business days
			}
			if kf.Unit != "" && kf.Unit != unit {
				unit = UnitMixed // versions of one kind that changed the budget's unit
			}
			kf.Unit = unit
			r.Completed++
			kf.Completed++
			if !st.Breached && st.PriorBreachAt.IsZero() {
				r.OnTime++
				kf.OnTime++
			}
			var pausedSec int64
			for _, ps := range st.Pauses {
				end := ps.To
				if end.IsZero() {
					end = cc.closedAt
				}
				if unit == UnitHours {
					pausedSec += int64(end.Sub(ps.From) / time.Second)
				} else {
					pausedSec += cal.WorkingSeconds(ps.From, end)
				}
			}
			per := cal.DayLength().Seconds()
			if unit == UnitHours {
				per = time.Hour.Seconds()
			}
			kf.delivery = append(kf.delivery, float64(st.Used)/per)
			kf.paused = append(kf.paused, float64(pausedSec)/per)
			steps.add(k, cc, cal)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	r.OnTimePercent = percent(r.OnTime, r.Completed)
	// The service-wide delivery and pause figures exist only where every kind
	// counts in one unit: business days and clock hours are never added (issue 14).
	for _, kind := range slices.Sorted(maps.Keys(perKind)) {
		kf := perKind[kind]
		kf.OnTimePercent = percent(kf.OnTime, kf.Completed)
		kf.Delivery, kf.Paused = statsOf(kf.delivery), statsOf(kf.paused)
		r.Kinds = append(r.Kinds, kf.KindReport)
		if kf.Completed == 0 {
			continue
		}
		switch {
		case r.Unit == "":
			r.Unit = kf.Unit
		case r.Unit != kf.Unit:
			r.Unit = UnitMixed
		}
		delivery, paused = append(delivery, kf.delivery...), append(paused, kf.paused...)
	}
	if r.Unit != UnitMixed {
		r.Delivery, r.Paused = statsOf(delivery), statsOf(paused)
	}
	r.Steps = steps.targets()
	return r, c.optional(ctx, r, svc)
}

// kindFigures gathers one kind's figures while the cases are read.
type kindFigures struct {
	KindReport
	delivery, paused []float64
}

// percent is part of whole in per cent, rounded to hundredths; nil when whole is 0.
func percent(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	pct := round2(float64(part) * 100 / float64(whole))
	return &pct
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
