package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/problem"
)

// Proactive is the CERT's constituents and direct warnings (issue 16) as the API
// serves them; nil leaves their routes out.
type Proactive struct {
	Constituents *constituent.Service
	Warnings     *warning.Service
}

// warningRoutes declares the constituent's assets and warnings and the CERT's view
// of all warnings (SLA M-4.3, A-4.6).
func (a *API) warningRoutes() {
	if a.Proactive == nil {
		return
	}
	id := []Param{{Name: "id", In: "path", Required: true, Description: "the warning's number"}}
	list := map[string]any{"type": "object"}
	a.route("GET", "/api/v1/org/assets", a.orgAssets, Op{ID: "listOrgAssets", Tag: "cert",
		Summary: "The caller's organisation's claimed assets and their verification status", Auth: true,
		Response: list, Errors: []int{401, 403}})
	a.route("POST", "/api/v1/org/assets", a.claimAsset, Op{ID: "claimOrgAsset", Tag: "cert",
		Summary: "Claim an IP range, AS number, domain or product for the caller's organisation, to be verified by the CERT",
		Auth:    true, Body: obj([]string{"kind", "value"}, map[string]any{
			"kind":  map[string]any{"type": "string", "enum": []string{"prefix", "asn", "domain", "product"}},
			"value": map[string]any{"type": "string"}, "set": map[string]any{"type": "string"}}),
		Status: 201, Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 403}})
	a.route("GET", "/api/v1/org/warnings", a.orgWarnings, Op{ID: "listOrgWarnings", Tag: "cert",
		Summary: "The caller's organisation's direct warnings, open ones unless all=1", Auth: true,
		Params:   []Param{{Name: "all", In: "query", Description: "1 lists closed warnings too"}},
		Response: list, Errors: []int{401, 403}})
	a.route("POST", "/api/v1/org/warnings/{id}/acknowledge", a.ackWarning, Op{ID: "acknowledgeWarning", Tag: "cert",
		Summary: "Acknowledge a direct warning (A-4.6); escalation stops", Auth: true, Params: id,
		Response: map[string]any{"type": "object"}, Errors: []int{401, 404, 409}})
	a.route("POST", "/api/v1/org/warnings/{id}/fixed", a.fixedWarning, Op{ID: "claimWarningFixed", Tag: "cert",
		Summary: "Report a direct warning fixed; a later feed without the finding, or the CERT, closes it", Auth: true,
		Params: id, Body: obj(nil, map[string]any{"note": map[string]any{"type": "string"}}),
		Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 404, 409}})
	a.route("GET", "/api/v1/cert/warnings", a.certWarnings, Op{ID: "listCertWarnings", Tag: "cert",
		Summary: "Every organisation's direct warnings, for CERT staff", Auth: true,
		Params:   []Param{{Name: "all", In: "query", Description: "1 lists closed warnings too"}},
		Response: list, Errors: []int{401, 403}})
	a.route("POST", "/api/v1/cert/warnings/{id}/verify", a.verifyWarning, Op{ID: "verifyWarning", Tag: "cert",
		Summary: "Close a direct warning on a CERT analyst's check", Auth: true, Params: id,
		Response: map[string]any{"type": "object"}, Errors: []int{401, 403, 404, 409}})
}

func (a *API) orgAssets(w http.ResponseWriter, r *http.Request) {
	list, err := a.Proactive.Constituents.Assets(r.Context(), principal(r), 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := []map[string]any{}
	for _, x := range list {
		items = append(items, map[string]any{"id": x.ID, "kind": x.Kind, "value": x.Value, "set": x.Set,
			"status": x.Status, "claimed_at": isoTime(x.ClaimedAt), "decided_at": isoTime(x.DecidedAt)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

type claimRequest struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
	Set   string `json:"set"`
}

func (a *API) claimAsset(w http.ResponseWriter, r *http.Request) {
	var req claimRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	id, err := a.Proactive.Constituents.ClaimAsset(r.Context(), principal(r),
		constituent.Claim{Kind: req.Kind, Value: req.Value, Set: req.Set})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "status": constituent.Claimed})
}

// warningJSON is a warning with its evidence and both clocks.
func warningJSON(x warning.Warning) map[string]any {
	return map[string]any{"id": x.ID, "organization": x.OrgID, "state": x.State, "closure": x.Closure,
		"severity": x.Severity, "class": x.Class, "type": x.Type,
		"evidence": map[string]any{"feed": x.Feed, "tag": x.Tag, "ip": x.IP, "port": x.Port, "asn": x.ASN, "host": x.Host,
			"matched_by": x.MatchedBy, "observed_at": isoTime(x.ObservedAt), "seen": x.SeenCount},
		"found_at": isoTime(x.FoundAt), "notify_due": isoTime(x.NotifyDue), "notified_at": isoTime(x.NotifiedAt),
		"remediate_due": isoTime(x.RemediateDue), "acknowledged_at": isoTime(x.AckedAt), "fixed_at": isoTime(x.FixedAt),
		"closed_at": isoTime(x.ClosedAt), "escalation": x.Escalation}
}

func (a *API) listWarnings(w http.ResponseWriter, r *http.Request, staff bool) {
	p := principal(r)
	if staff && !constituent.IsCERTStaff(p) {
		a.fail(w, r, problem.New(problem.Forbidden, "constituent.forbidden"))
		return
	}
	f := warning.Filter{Live: r.URL.Query().Get("all") != "1"}
	if !staff {
		f.OrgID = p.ApplicantOrgID()
		if f.OrgID == 0 {
			a.fail(w, r, problem.New(problem.Forbidden, "constituent.not_org"))
			return
		}
	}
	list, err := a.Proactive.Warnings.List(r.Context(), p, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := []map[string]any{}
	for _, x := range list {
		items = append(items, warningJSON(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (a *API) orgWarnings(w http.ResponseWriter, r *http.Request)  { a.listWarnings(w, r, false) }
func (a *API) certWarnings(w http.ResponseWriter, r *http.Request) { a.listWarnings(w, r, true) }

// warningAct runs one action on the warning named in the path and answers with it.
func (a *API) warningAct(w http.ResponseWriter, r *http.Request, act func(id int64) error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, problem.New(problem.NotFound, "warning.not_found"))
		return
	}
	if err := act(id); err != nil {
		a.fail(w, r, err)
		return
	}
	x, err := a.Proactive.Warnings.Get(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, warningJSON(x))
}

func (a *API) ackWarning(w http.ResponseWriter, r *http.Request) {
	a.warningAct(w, r, func(id int64) error { return a.Proactive.Warnings.Acknowledge(r.Context(), principal(r), id) })
}

type fixedRequest struct {
	Note string `json:"note"`
}

func (a *API) fixedWarning(w http.ResponseWriter, r *http.Request) {
	var req fixedRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.warningAct(w, r, func(id int64) error {
		return a.Proactive.Warnings.ClaimFixed(r.Context(), principal(r), id, req.Note)
	})
}

func (a *API) verifyWarning(w http.ResponseWriter, r *http.Request) {
	a.warningAct(w, r, func(id int64) error { return a.Proactive.Warnings.Verify(r.Context(), principal(r), id) })
}
