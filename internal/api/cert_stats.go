package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/problem"
)

// statsRoutes declares the incident statistics without content (D-2), as JSON and
// CSV: public where the catalog says so, else the service's staff only.
func (a *API) statsRoutes() {
	a.route("GET", "/api/v1/cert/stats", a.incidentStats, Op{ID: "incidentStatistics", Tag: "cert",
		Summary:  "Incident counts by RSIT class, severity and sector per Jalali month, and times to first response and resolution (median, p90); no content. To a reader who is not the service's staff, a class, severity or sector counted fewer than min_cell times in a month is added up under the key \"pooled\"",
		Response: map[string]any{"type": "object"}, Errors: []int{401, 403, 404}})
	a.route("GET", "/api/v1/cert/stats.csv", a.incidentStatsCSV, Op{ID: "incidentStatisticsCSV", Tag: "cert",
		Summary: "The incident statistics as CSV: jalali_month, measure, key, value", Produces: "text/csv",
		Errors: []int{401, 403, 404}})
}

func (a *API) loadStats(w http.ResponseWriter, r *http.Request) (*reactive.Stats, bool) {
	svcs, err := a.Services(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	var svc *catalog.Service
	for _, s := range svcs {
		if s.Module == "cert" {
			svc = s
		}
	}
	if svc == nil {
		a.fail(w, r, problem.New(problem.NotFound, "error.not_found"))
		return nil, false
	}
	st, err := a.Incidents.Statistics(r.Context(), principal(r), svc)
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	return st, true
}

func minutes(d reactive.Durations) map[string]any {
	if d.N == 0 {
		return map[string]any{"n": 0}
	}
	return map[string]any{"n": d.N, "median_minutes": int64(d.Median / time.Minute), "p90_minutes": int64(d.P90 / time.Minute)}
}

func (a *API) incidentStats(w http.ResponseWriter, r *http.Request) {
	st, ok := a.loadStats(w, r)
	if !ok {
		return
	}
	months := []map[string]any{}
	for _, m := range st.Months {
		months = append(months, map[string]any{"jalali_month": fmt.Sprintf("%04d-%02d", m.Year, m.Month), "total": m.Total,
			"by_class": m.ByClass, "by_severity": m.BySeverity, "by_sector": m.BySector,
			"first_response": minutes(m.FirstResponse), "resolution": minutes(m.Resolution)})
	}
	out := map[string]any{"service": st.Service, "months": months}
	if st.MinCell > 0 {
		// Counts below min_cell are added up under "pooled" (D-2).
		out["min_cell"] = st.MinCell
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) incidentStatsCSV(w http.ResponseWriter, r *http.Request) {
	st, ok := a.loadStats(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = st.WriteCSV(w)
}
