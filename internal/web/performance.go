package web

import (
	"net/http"
	"time"

	"github.com/itoir/miz/internal/kpi"
)

// perfData is a report with the downtime in whole minutes, for display.
type perfData struct {
	*kpi.Report
	PlannedMinutes, UnplannedMinutes int64
	// Name is the service's name in the page's language.
	Name string
}

// performancePage shows a service's public figures over a Jalali period; a bad
// period is answered 400 with the localised reason.
func (s *Server) performancePage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "perf.title")
	c := s.kpiComputer()
	period := kpi.MonthOf(c.Now())
	if q := r.URL.Query().Get("period"); q != "" {
		var err error
		if period, err = kpi.ParsePeriod(q); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	rep, err := c.Compute(r.Context(), r.PathValue("id"), period)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := perfData{Report: rep, Name: rep.Service}
	if c.Catalog != nil {
		if svc, err := c.Catalog(r.Context(), rep.Service, 0); err == nil {
			d.Name = svc.Name.In(string(p.Lang))
		}
	}
	if a := rep.Availability; a != nil {
		d.PlannedMinutes, d.UnplannedMinutes = a.PlannedSeconds/60, a.UnplannedSeconds/60
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "performance", p)
}

// LastDay is the period's last day: Period.To is the first instant after it, which
// a reader would take for a day inside the period.
func (d perfData) LastDay() time.Time { return d.Period.To.Add(-time.Nanosecond) }
