package api

import (
	"net/http"

	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/problem"
)

func (a *API) visitRoutes() {
	code := []Param{{Name: "code", In: "path", Required: true, Description: "tracking code, e.g. ABCD-EFGH-JK"}}
	str := map[string]any{"type": "string"}
	a.route("POST", "/api/v1/cases/{code}/visits", a.recordVisit, Op{ID: "recordVisit", Tag: "cases",
		Summary: "Record an in-person visit (staff); beyond the published maximum only a supervisor with override_reason (C-4.8)",
		Auth:    true, Params: code,
		Body: obj([]string{"date", "reason"}, map[string]any{"date": map[string]any{"type": "string", "description": "YYYY-MM-DD or RFC 3339"},
			"reason": str, "override_reason": str}),
		Status: 201, Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 403, 404, 409}})
	a.route("GET", "/api/v1/cases/{code}/visits", a.caseVisits, Op{ID: "caseVisits", Tag: "cases",
		Summary: "A case's in-person visits, used of the published maximum (C-4.8)", Auth: true, Params: code,
		Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 404}})
}

type visitRequest struct {
	Date           string `json:"date"`
	Reason         string `json:"reason"`
	OverrideReason string `json:"override_reason"`
}

func (a *API) recordVisit(w http.ResponseWriter, r *http.Request) {
	var req visitRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	at, ok := parseDay(req.Date)
	if !ok || at.IsZero() {
		a.fail(w, r, problem.Field("date", "desk.visit.date"))
		return
	}
	v, err := a.Desk.RecordVisit(r.Context(), principal(r), r.PathValue("code"),
		desk.VisitInput{At: at, Reason: req.Reason, OverrideReason: req.OverrideReason})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	vs, err := a.Desk.CaseVisits(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"visit": visitOf(v), "used": vs.Used, "max": vs.Max})
}

func (a *API) caseVisits(w http.ResponseWriter, r *http.Request) {
	vs, err := a.Desk.CaseVisits(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []visitJSON{}
	for i := range vs.List {
		out = append(out, visitOf(&vs.List[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": vs.CaseCode, "used": vs.Used, "max": vs.Max, "over": vs.Over(), "visits": out})
}

type visitJSON struct {
	ID             int64   `json:"id"`
	At             *string `json:"at"`
	Reason         string  `json:"reason"`
	RecordedAt     *string `json:"recorded_at"`
	OverLimit      bool    `json:"over_limit"`
	OverrideReason string  `json:"override_reason,omitempty"`
}

func visitOf(v *desk.Visit) visitJSON {
	return visitJSON{ID: v.ID, At: isoTime(v.At), Reason: v.Reason, RecordedAt: isoTime(v.RecordedAt),
		OverLimit: v.OverLimit, OverrideReason: v.OverrideReason}
}
