package outages

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Availability is a service's availability over a period (SLA C-4.4). The desk
// promises service 24×7, so Percent counts every outage that made the service
// unusable, planned or not; PercentUnplanned leaves planned maintenance out, and the
// planned and unplanned downtime are shown apart. Degraded periods are reported but
// not counted as down: the service could still be used.
type Availability struct {
	// PeriodSeconds is the part of the period that has elapsed.
	PeriodSeconds int64 `json:"period_seconds"`
	// DownSeconds is the union of planned and unplanned downtime.
	DownSeconds      int64   `json:"down_seconds"`
	PlannedSeconds   int64   `json:"planned_seconds"`
	UnplannedSeconds int64   `json:"unplanned_seconds"`
	DegradedSeconds  int64   `json:"degraded_seconds"`
	Percent          float64 `json:"percent"`
	PercentUnplanned float64 `json:"percent_unplanned"`
	Outages          int     `json:"outages"`
}

// Availability computes a service's availability over [from, to), counting only
// the time elapsed by now; overlapping outages are counted once.
func (s *Service) Availability(ctx context.Context, service string, from, to time.Time) (Availability, error) {
	now := s.now()
	if to.After(now) {
		to = now
	}
	var a Availability
	if !to.After(from) {
		a.Percent, a.PercentUnplanned = 100, 100
		return a, nil
	}
	list, err := s.Overlapping(ctx, from, to)
	if err != nil {
		return a, err
	}
	return availabilityOf(list, service, from, to, now), nil
}

// span is a half-open stretch of time in Unix milliseconds.
type span struct{ from, to int64 }

// availabilityOf is the pure computation behind Availability.
func availabilityOf(list []Outage, service string, from, to, now time.Time) Availability {
	a := Availability{PeriodSeconds: int64(to.Sub(from) / time.Second)}
	var down, planned, unplanned, degraded []span
	for _, o := range list {
		if !o.Affects(service) {
			continue
		}
		end := o.End
		if end.IsZero() || end.After(now) {
			end = now
		}
		sp := span{max(o.Start.UnixMilli(), from.UnixMilli()), min(end.UnixMilli(), to.UnixMilli())}
		if sp.to <= sp.from {
			continue
		}
		a.Outages++
		switch {
		case o.Impact == Degraded:
			degraded = append(degraded, sp)
		case o.Kind == Planned:
			planned, down = append(planned, sp), append(down, sp)
		default:
			unplanned, down = append(unplanned, sp), append(down, sp)
		}
	}
	a.DownSeconds, a.PlannedSeconds = unionSeconds(down), unionSeconds(planned)
	a.UnplannedSeconds, a.DegradedSeconds = unionSeconds(unplanned), unionSeconds(degraded)
	a.Percent = percentUp(a.DownSeconds, a.PeriodSeconds)
	a.PercentUnplanned = percentUp(a.UnplannedSeconds, a.PeriodSeconds)
	return a
}

func percentUp(down, period int64) float64 {
	if period <= 0 {
		return 100
	}
	return float64(period-down) * 100 / float64(period)
}

// unionSeconds is the length of the union of spans, in seconds.
func unionSeconds(spans []span) int64 {
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	var total, curFrom, curTo int64
	for i, sp := range spans {
		if i == 0 || sp.from > curTo {
			total += curTo - curFrom
			curFrom, curTo = sp.from, sp.to
			continue
		}
		curTo = max(curTo, sp.to)
	}
	total += curTo - curFrom
	return total / 1000
}
