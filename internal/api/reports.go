package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/slareport"
)

// slaReportRoutes declares the signed monthly SLA reports and an applicant's signed
// case statement (issue 20); without Reports they are left out.
func (a *API) slaReportRoutes() {
	if a.Reports == nil || a.Statements == nil {
		return
	}
	version := Param{Name: "version", In: "query", Description: "a report version (default: the newest)"}
	a.route("GET", "/api/v1/reports", a.slaReportList, Op{ID: "listSLAReports", Tag: "accountability",
		Summary:  "Every published monthly SLA report of every service, corrections beside what they replace",
		Response: map[string]any{"type": "object"}})
	a.route("GET", "/api/v1/reports/{service}/{period}", a.slaReportGet, Op{ID: "getSLAReport", Tag: "accountability",
		Params:   []Param{version},
		Summary:  "A service's signed SLA report for a Jalali month (1405-09): the figure for every obligation, its JWS and log index",
		Response: map[string]any{"type": "object"}, Errors: []int{400, 404}})
	a.route("GET", "/api/v1/reports/{service}/{period}/proof", a.slaReportProof, Op{ID: "getSLAReportProof", Tag: "accountability",
		Params: []Param{version}, Produces: "text/plain",
		Summary: "The c2sp.org/tlog-proof that the report is in the transparency log, for `miz verify report`", Errors: []int{400, 404}})
	a.route("GET", "/api/v1/cases/{code}/statement", a.statement, Op{ID: "getCaseStatement", Tag: "cases", Auth: true,
		Summary:  "A signed statement of the case as the SLA clock counted it: states, holders, pauses, time used, deadline, met or not",
		Response: map[string]any{"type": "object"}, Errors: []int{404}})
	a.route("GET", "/api/v1/cases/{code}/statement/proof", a.statementProof, Op{ID: "getCaseStatementProof", Tag: "cases", Auth: true,
		Produces: "text/plain", Summary: "The c2sp.org/tlog-proof that the statement's hash is in the transparency log", Errors: []int{404}})
}

func (a *API) slaReportList(w http.ResponseWriter, r *http.Request) {
	list, err := a.Reports.List(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	type item struct {
		ID         string `json:"id"`
		Service    string `json:"service"`
		Period     string `json:"period"`
		Version    int    `json:"version"`
		Replaces   string `json:"replaces,omitempty"`
		ReplacedBy string `json:"replaced_by,omitempty"`
		LogIndex   int64  `json:"log_index"`
		IssuedAt   string `json:"issued_at"`
	}
	out := []item{}
	for _, p := range list {
		out = append(out, item{p.ID, p.Service, p.Period, p.Version, p.Replaces, p.ReplacedBy, p.LogIndex, p.IssuedAt.Format("2006-01-02T15:04:05Z")})
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": out})
}

// findSLAReport reads the report a request names; version defaults to the newest.
func (a *API) findSLAReport(r *http.Request) (*slareport.Published, error) {
	service, period := r.PathValue("service"), r.PathValue("period")
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, problem.Field("version", "error.bad_request")
		}
		return a.Reports.Get(r.Context(), service, period, n)
	}
	return a.Reports.Latest(r.Context(), service, period)
}

func (a *API) slaReportGet(w http.ResponseWriter, r *http.Request) {
	pub, err := a.findSLAReport(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pub)
}

func (a *API) slaReportProof(w http.ResponseWriter, r *http.Request) {
	pub, err := a.findSLAReport(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	b, err := a.Reports.Proof(r.Context(), pub)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(b)
}

func (a *API) statement(w http.ResponseWriter, r *http.Request) {
	st, err := a.Statements.Issue(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *API) statementProof(w http.ResponseWriter, r *http.Request) {
	st, err := a.Statements.Issue(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	b, err := a.Statements.Proof(r.Context(), st)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(b)
}
