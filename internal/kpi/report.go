// Package kpi computes the public accountability figures of a service over a
// Jalali period (SLA C-4.1, C-4.4, C-4.5, C-4.7, C-4.8, C-4.9): cases received and
// completed, on-time delivery, delivery and pause times from the SLA clock, visits,
// first responses, complaints, availability and satisfaction.
//
// Only counts and timings leave this package, never the content of a case (D-1):
// no query here reads forms, documents, messages or names.
package kpi

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/outages"
)

// Report is a service's figures over a period. Optional figures are nil when
// their source is not wired (JSON null), which is not the same as zero.
type Report struct {
	Service string    `json:"service"`
	Period  Period    `json:"period"`
	AsOf    time.Time `json:"as_of"`
	// Received counts cases submitted in the period; Completed those closed in it
	// (discarded drafts, never submitted, are not counted).
	Received  int `json:"received"`
	Completed int `json:"completed"`
	// OnTime counts completed cases that never overran their budget (C-4.1);
	// OnTimePercent is nil when nothing was completed.
	OnTime        int      `json:"on_time"`
	OnTimePercent *float64 `json:"on_time_percent"`
	// Delivery is the SLA clock's used time of completed cases; Paused is the time
	// completed cases spent with their applicants (SLA-CLOCK rules 1, 9). Both are in
	// Unit: business days for kinds on business time, clock hours for 24×7 kinds.
	// When a service's kinds count in different units (CERT's incidents in hours, its
	// courses in business days) Unit is "mixed" and both are empty: the figures are
	// in Kinds, each in its own unit, and never added together (issue 14).
	Unit     string `json:"delivery_unit,omitempty"`
	Delivery Stats  `json:"delivery"`
	Paused   Stats  `json:"paused"`
	// Kinds are the same figures for each kind of case, in its own unit.
	Kinds []KindReport `json:"kinds"`
	// Availability comes from the recorded outages (C-4.4).
	Availability *outages.Availability `json:"availability"`
	// Visits, FirstResponse, Complaints and Satisfaction come from their modules.
	Visits        *Visits       `json:"visits"`
	FirstResponse *Stats        `json:"first_response_business_hours"`
	Complaints    *Complaints   `json:"complaints"`
	Satisfaction  *Satisfaction `json:"satisfaction"`
	// Steps are the step targets met, per case kind and budgeted state (issue 14).
	Steps []StepTarget `json:"step_targets"`
}

// The units of delivery and pause figures.
const (
	UnitBusinessDays = "business_days"
	UnitHours        = "hours"
	UnitMixed        = "mixed"
)

// KindReport is one kind of case's figures over the period, in its own unit.
type KindReport struct {
	Kind          string   `json:"kind"`
	Unit          string   `json:"delivery_unit,omitempty"`
	Received      int      `json:"received"`
	Completed     int      `json:"completed"`
	OnTime        int      `json:"on_time"`
	OnTimePercent *float64 `json:"on_time_percent"`
	Delivery      Stats    `json:"delivery"`
	Paused        Stats    `json:"paused"`
}

// Stats summarises a set of durations: how many, their median and 90th
// percentile (nearest rank), rounded to hundredths.
type Stats struct {
	Count  int     `json:"count"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
}

// Visits compares the in-person visits per case with the published maximum (C-4.8).
type Visits struct {
	Cases       int     `json:"cases"`
	Total       int     `json:"total"`
	PerCase     float64 `json:"per_case"`
	Maximum     int     `json:"maximum"`
	OverMaximum int     `json:"cases_over_maximum"`
}

// Complaints counts complaints by type and by outcome (C-4.5).
type Complaints struct {
	Total     int            `json:"total"`
	ByType    map[string]int `json:"by_type"`
	ByOutcome map[string]int `json:"by_outcome"`
}

// Satisfaction is the applicants' rating of the service and of the staff's
// courtesy, 1 to 5 (C-4.9).
type Satisfaction struct {
	Responses int     `json:"responses"`
	Service   float64 `json:"service_average"`
	Courtesy  float64 `json:"courtesy_average"`
}

// AvailabilitySource gives a service's availability over [from, to);
// outages.Service satisfies it.
type AvailabilitySource interface {
	Availability(ctx context.Context, service string, from, to time.Time) (outages.Availability, error)
}

// VisitSource counts in-person visits of cases closed in [from, to) (C-4.8);
// Maximum is filled in from the catalog.
type VisitSource interface {
	Visits(ctx context.Context, service string, from, to time.Time) (Visits, error)
}

// FirstResponseSource measures the first responses to questions asked in
// [from, to), in business hours (C-4.7, SLA-CLOCK rule 10).
type FirstResponseSource interface {
	FirstResponse(ctx context.Context, service string, from, to time.Time) (Stats, error)
}

// ComplaintSource counts complaints filed in [from, to) by type and outcome (C-4.5).
type ComplaintSource interface {
	Complaints(ctx context.Context, service string, from, to time.Time) (Complaints, error)
}

// SatisfactionSource aggregates the ratings given in [from, to) (C-4.9).
type SatisfactionSource interface {
	Satisfaction(ctx context.Context, service string, from, to time.Time) (Satisfaction, error)
}
