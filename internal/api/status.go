package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/problem"
)

// accountabilityRoutes declares the public status, outages, KPIs and exports
// (SLA C-4.4 and the desk's public accountability).
func (a *API) accountabilityRoutes() {
	obj := map[string]any{"type": "object"}
	a.route("GET", "/api/v1/status", a.status, Op{ID: "status", Tag: "status",
		Summary: "Every service's state now, current and planned outages, and the last 90 days (C-4.4)", Response: obj})
	a.route("POST", "/api/v1/outages", a.createOutage, Op{ID: "createOutage", Tag: "status", Auth: true, Status: 201,
		Summary: "Record a planned or unplanned outage and notify applicants with cases in flight (admins)",
		Body: map[string]any{"type": "object", "required": []string{"kind", "start", "notice_fa"}, "properties": map[string]any{
			"kind": map[string]any{"enum": []string{"planned", "unplanned"}}, "impact": map[string]any{"enum": []string{"outage", "degraded"}},
			"services": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"start":    map[string]any{"type": "string", "format": "date-time"}, "end": map[string]any{"type": "string", "format": "date-time"},
			"notice_fa": map[string]any{"type": "string"}, "notice_en": map[string]any{"type": "string"}}},
		Response: obj, Errors: []int{400, 401, 403}})
	a.route("POST", "/api/v1/outages/{id}/end", a.endOutage, Op{ID: "endOutage", Tag: "status", Auth: true,
		Summary: "End an ongoing outage now (admins)", Params: []Param{{Name: "id", In: "path", Required: true}},
		Response: obj, Errors: []int{401, 403, 404, 409}})
	a.kpiRoutes()
	a.exportRoutesQueue()
}

// outageStore is the outage service cmd/miz wired in.
func (a *API) outageStore() *outages.Service { return a.Outages }

// kpiComputer is the KPI computer cmd/miz wired in, with all its sources.
func (a *API) kpiComputer() *kpi.Computer { return a.KPI }

func (a *API) status(w http.ResponseWriter, r *http.Request) {
	st, err := a.outageStore().Status(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *API) createOutage(w http.ResponseWriter, r *http.Request) {
	var in outages.CreateInput
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.outageStore().Create(r.Context(), principal(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

func (a *API) endOutage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, problem.New(problem.NotFound, "outages.not_found"))
		return
	}
	o, err := a.outageStore().End(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}
