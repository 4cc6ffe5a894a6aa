package kpi

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"
)

// RowWriter takes one row of an export at a time; xlsx.Writer satisfies it, and
// CSV wraps encoding/csv.
type RowWriter interface {
	Row(cells []string) error
}

// CSV writes rows as UTF-8 CSV with a byte-order mark, so that spreadsheet
// programs read the Persian text correctly.
type CSV struct {
	w       *csv.Writer
	started bool
	out     io.Writer
}

// NewCSV starts a CSV export on w.
func NewCSV(w io.Writer) *CSV { return &CSV{w: csv.NewWriter(w), out: w} }

// Row writes one record, after the byte-order mark on the first call.
func (c *CSV) Row(cells []string) error {
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.out, "\uFEFF"); err != nil {
			return err
		}
	}
	return c.w.Write(cells)
}

// Flush writes out buffered rows; call it at the end and when progress matters.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// Rows lays a report out as figure/value rows, in a fixed order, for CSV and XLSX.
// Missing optional figures are left empty.
func (r *Report) Rows() [][]string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	i := strconv.Itoa
	rows := [][]string{
		{"figure", "value"},
		{"service", r.Service},
		{"period", r.Period.Text},
		{"received", i(r.Received)},
		{"completed", i(r.Completed)},
		{"on_time", i(r.OnTime)},
		{"on_time_percent", optFloat(r.OnTimePercent)},
	}
	// Delivery and pause figures carry their unit in their name; a service whose
	// kinds count in different units has them per kind only (issue 14).
	if r.Unit != "" && r.Unit != UnitMixed {
		rows = append(rows, []string{"delivery_" + r.Unit + "_median", f(r.Delivery.Median)},
			[]string{"delivery_" + r.Unit + "_p90", f(r.Delivery.P90)},
			[]string{"paused_" + r.Unit + "_median", f(r.Paused.Median)},
			[]string{"paused_" + r.Unit + "_p90", f(r.Paused.P90)})
	}
	for _, k := range r.Kinds {
		p := "kind_" + k.Kind + "_"
		rows = append(rows, []string{p + "received", i(k.Received)}, []string{p + "completed", i(k.Completed)},
			[]string{p + "on_time", i(k.OnTime)}, []string{p + "on_time_percent", optFloat(k.OnTimePercent)})
		if k.Completed > 0 && k.Unit != UnitMixed {
			rows = append(rows, []string{p + "delivery_" + k.Unit + "_median", f(k.Delivery.Median)},
				[]string{p + "delivery_" + k.Unit + "_p90", f(k.Delivery.P90)},
				[]string{p + "paused_" + k.Unit + "_median", f(k.Paused.Median)},
				[]string{p + "paused_" + k.Unit + "_p90", f(k.Paused.P90)})
		}
	}
	if a := r.Availability; a != nil {
		rows = append(rows, []string{"availability_percent", f(a.Percent)},
			[]string{"availability_percent_unplanned_only", f(a.PercentUnplanned)},
			[]string{"planned_downtime_seconds", strconv.FormatInt(a.PlannedSeconds, 10)},
			[]string{"unplanned_downtime_seconds", strconv.FormatInt(a.UnplannedSeconds, 10)})
	}
	if v := r.Visits; v != nil {
		rows = append(rows, []string{"visits_per_case", f(v.PerCase)}, []string{"visits_maximum", i(v.Maximum)},
			[]string{"cases_over_visit_maximum", i(v.OverMaximum)})
	}
	if s := r.FirstResponse; s != nil {
		rows = append(rows, []string{"first_response_business_hours_median", f(s.Median)},
			[]string{"first_response_business_hours_p90", f(s.P90)})
	}
	if c := r.Complaints; c != nil {
		rows = append(rows, []string{"complaints", i(c.Total)})
		rows = append(rows, sortedCounts("complaints_type_", c.ByType)...)
		rows = append(rows, sortedCounts("complaints_outcome_", c.ByOutcome)...)
	}
	if s := r.Satisfaction; s != nil {
		rows = append(rows, []string{"satisfaction_responses", i(s.Responses)},
			[]string{"satisfaction_service_average", f(s.Service)}, []string{"satisfaction_courtesy_average", f(s.Courtesy)})
	}
	for _, s := range r.Steps {
		pre := "step_" + s.Kind + "_" + s.State + "_"
		rows = append(rows, []string{pre + "budget", i(s.Budget.Amount) + " " + s.Budget.Unit},
			[]string{pre + "visits", i(s.Visits)}, []string{pre + "met", i(s.Met)}, []string{pre + "met_percent", optFloat(s.MetPercent)})
	}
	return rows
}

func optFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func sortedCounts(prefix string, m map[string]int) [][]string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([][]string, len(keys))
	for n, k := range keys {
		out[n] = []string{prefix + k, strconv.Itoa(m[k])}
	}
	return out
}
