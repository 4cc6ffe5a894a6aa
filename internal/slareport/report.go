// Package slareport signs what the desk claims about itself, so that the public and
// applicants can check it later (issue 20): the monthly SLA report of each service,
// with a figure for every obligation of its SLA, signed with the key ring that signs
// certificates and appended to the same transparency log; and an applicant's signed
// statement of their own case, on which a dispute or complaint (SLA C-4.5) can rest.
//
// A report is never changed: a correction is a new version that names the one it
// replaces, and both stay published. Only counts and timings enter a report, never
// the content of a case (D-1); a case statement goes only to its own applicant.
package slareport

import (
	"fmt"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/kpi"
)

// ReportType is the type of a report's signed payload and of its log record.
const ReportType = "miz.sla-report/v1"

// Report is the signed content of one service's report over one Jalali month.
type Report struct {
	Type        string       `json:"type"`
	ID          string       `json:"id"` // service/period/version, e.g. certify/1405-09/1
	Service     string       `json:"service"`
	ServiceName catalog.Text `json:"service_name"`
	Period      string       `json:"period"`
	From        time.Time    `json:"from"`
	To          time.Time    `json:"to"` // the first instant after the period
	Version     int          `json:"version"`
	// Replaces is the ID of the report this one corrects, with the reason.
	Replaces       string    `json:"replaces,omitempty"`
	CorrectionNote string    `json:"correction_note,omitempty"`
	CatalogVersion int       `json:"catalog_version"` // the SLA version in force when the period closed
	IssuedAt       time.Time `json:"issued_at"`
	// Obligations has one entry per obligation of the service's SLA, in its order.
	Obligations []Obligation `json:"obligations"`
	// Figures is the whole computation the obligations quote from.
	Figures *kpi.Report `json:"figures"`
}

// How an obligation is accounted for in a report.
const (
	MeasureFigures  = "figures"  // the figures below show whether it was met
	MeasureEnforced = "enforced" // the desk does not let it be broken; nothing to count
	MeasureParty    = "applicant_duty"
	MeasureNone     = "not_measured" // the desk does not measure it yet, and says so
)

// Obligation is one obligation of the SLA and what shows it in the period.
type Obligation struct {
	ID      string       `json:"id"`
	Party   string       `json:"party"`
	Text    catalog.Text `json:"text"`
	Measure string       `json:"measure"`
	Figures []Figure     `json:"figures,omitempty"`
}

// Figure is one number of a report. Value is nil when there was nothing to
// measure (no case completed, no feedback given), which is not the same as zero.
type Figure struct {
	Name  string   `json:"name"`
	Kind  string   `json:"kind,omitempty"` // the case kind it is about, if one
	Value *float64 `json:"value"`
	Unit  string   `json:"unit,omitempty"`
}

func num[T int | int64 | float64](v T) *float64 { f := float64(v); return &f }

// build turns a service's computed figures into its report: every obligation of
// the SLA appears, with the figures that show it or an honest word why none do.
func build(svc *catalog.Service, r *kpi.Report, version int, issued time.Time) *Report {
	rep := &Report{Type: ReportType, ID: reportID(svc.ID, r.Period.Text, version), Service: svc.ID, ServiceName: svc.Name,
		Period: r.Period.Text, From: r.Period.From, To: r.Period.To, Version: version, CatalogVersion: svc.Version,
		IssuedAt: issued.UTC(), Figures: r}
	for _, o := range svc.Obligations {
		ob := Obligation{ID: o.ID, Party: o.Party, Text: o.Text}
		ob.Measure, ob.Figures = measure(o, r)
		rep.Obligations = append(rep.Obligations, ob)
	}
	return rep
}

// reportID names a report: service/period/version.
func reportID(service, period string, version int) string {
	return fmt.Sprintf("%s/%s/%d", service, period, version)
}

// measure picks the figures of r that show obligation o.
func measure(o catalog.Obligation, r *kpi.Report) (string, []Figure) {
	if o.Party == catalog.PartyApplicant {
		return MeasureParty, nil
	}
	switch o.ID {
	case "C-4.1": // delivery within the published time, per kind in its own unit
		f := []Figure{{Name: "received", Value: num(r.Received)}, {Name: "completed", Value: num(r.Completed)},
			{Name: "on_time", Value: num(r.OnTime)}, {Name: "on_time_percent", Value: r.OnTimePercent, Unit: "%"}}
		for _, k := range r.Kinds {
			var med, p90, pmed *float64
			if k.Completed > 0 {
				med, p90, pmed = num(k.Delivery.Median), num(k.Delivery.P90), num(k.Paused.Median)
			}
			f = append(f, Figure{Name: "on_time_percent", Kind: k.Kind, Value: k.OnTimePercent, Unit: "%"},
				Figure{Name: "delivery_median", Kind: k.Kind, Value: med, Unit: k.Unit},
				Figure{Name: "delivery_p90", Kind: k.Kind, Value: p90, Unit: k.Unit},
				Figure{Name: "paused_median", Kind: k.Kind, Value: pmed, Unit: k.Unit})
		}
		return MeasureFigures, f
	case "C-4.2", "C-4.3", "C-4.6":
		// The desk accepts only the published documents, moves a case only along the
		// published process and publishes every catalog change; step targets show
		// how the process was kept in time.
		var f []Figure
		for _, s := range r.Steps {
			f = append(f, Figure{Name: "step_target_met_percent:" + s.State, Kind: s.Kind, Value: s.MetPercent, Unit: "%"})
		}
		if len(f) == 0 {
			return MeasureEnforced, nil
		}
		return MeasureFigures, f
	case "C-4.4":
		if a := r.Availability; a != nil {
			return MeasureFigures, []Figure{{Name: "availability_percent", Value: num(a.Percent), Unit: "%"},
				{Name: "planned_outage", Value: num(a.PlannedSeconds / 60), Unit: "minutes"},
				{Name: "unplanned_outage", Value: num(a.UnplannedSeconds / 60), Unit: "minutes"}}
		}
	case "C-4.5":
		if c := r.Complaints; c != nil {
			f := []Figure{{Name: "complaints", Value: num(c.Total)}}
			for _, k := range sortedKeys(c.ByOutcome) {
				f = append(f, Figure{Name: "complaints_outcome:" + k, Value: num(c.ByOutcome[k])})
			}
			return MeasureFigures, f
		}
	case "C-4.7":
		if q := r.FirstResponse; q != nil {
			var med, p90 *float64
			if q.Count > 0 {
				med, p90 = num(q.Median), num(q.P90)
			}
			return MeasureFigures, []Figure{{Name: "questions_answered", Value: num(q.Count)},
				{Name: "first_response_median", Value: med, Unit: "business_hours"}, {Name: "first_response_p90", Value: p90, Unit: "business_hours"}}
		}
	case "C-4.8":
		if v := r.Visits; v != nil {
			var per *float64
			if v.Cases > 0 {
				per = num(v.PerCase)
			}
			return MeasureFigures, []Figure{{Name: "visits_per_case", Value: per}, {Name: "published_maximum", Value: num(v.Maximum)},
				{Name: "cases_over_maximum", Value: num(v.OverMaximum)}}
		}
	case "C-4.9":
		if s := r.Satisfaction; s != nil {
			var svc, court *float64
			if s.Responses > 0 {
				svc, court = num(s.Service), num(s.Courtesy)
			}
			return MeasureFigures, []Figure{{Name: "responses", Value: num(s.Responses)}, {Name: "service_average", Value: svc, Unit: "of 5"},
				{Name: "courtesy_average", Value: court, Unit: "of 5"}}
		}
	}
	return MeasureNone, nil
}
