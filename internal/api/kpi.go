package api

import (
	"net/http"

	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/xlsx"
)

// kpiRoutes declares a service's public figures and their exports.
func (a *API) kpiRoutes() {
	params := []Param{{Name: "id", In: "path", Required: true},
		{Name: "period", In: "query", Description: "Jalali month (1405-09), quarter (1405-Q3) or year (1405); default: this month"}}
	a.route("GET", "/api/v1/services/{id}/kpis", a.kpis, Op{ID: "serviceKPIs", Tag: "services", Params: params,
		Summary:  "A service's performance over a Jalali period: counts and timings only, never content (D-1)",
		Response: map[string]any{"type": "object"}, Errors: []int{400, 404}})
	a.route("GET", "/api/v1/services/{id}/kpis.csv", a.kpiExport(false), Op{ID: "serviceKPIsCSV", Tag: "services",
		Params: params, Summary: "A service's performance as CSV (UTF-8 with BOM)", Produces: "text/csv", Errors: []int{400, 404}})
	a.route("GET", "/api/v1/services/{id}/kpis.xlsx", a.kpiExport(true), Op{ID: "serviceKPIsXLSX", Tag: "services",
		Params: params, Summary: "A service's performance as an Excel workbook", Produces: xlsx.ContentType, Errors: []int{400, 404}})
}

// report computes the figures the request asks for.
func (a *API) report(r *http.Request) (*kpi.Report, error) {
	c := a.kpiComputer()
	p := kpi.MonthOf(c.Now())
	if q := r.URL.Query().Get("period"); q != "" {
		var err error
		if p, err = kpi.ParsePeriod(q); err != nil {
			return nil, err
		}
	}
	return c.Compute(r.Context(), r.PathValue("id"), p)
}

func (a *API) kpis(w http.ResponseWriter, r *http.Request) {
	rep, err := a.report(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (a *API) kpiExport(asXLSX bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep, err := a.report(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		name := "miz-kpis-" + rep.Service + "-" + rep.Period.Text
		if asXLSX {
			w.Header().Set("Content-Type", xlsx.ContentType)
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
			x, err := xlsx.New(w, "KPIs", false)
			if err != nil {
				return
			}
			for _, row := range rep.Rows() {
				if x.Row(row) != nil {
					return
				}
			}
			_ = x.Close()
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		c := kpi.NewCSV(w)
		for _, row := range rep.Rows() {
			if c.Row(row) != nil {
				return
			}
		}
		_ = c.Flush()
	}
}
