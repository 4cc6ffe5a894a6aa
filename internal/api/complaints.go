package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/problem"
)

// complaintRoutes declares the dispute path (issue 5; SLA C-4.5, §7, A-4.2): the API
// and the web form are the only channels a complaint is filed through.
func (a *API) complaintRoutes() {
	code := []Param{{Name: "code", In: "path", Required: true, Description: "the case's tracking code"}}
	id := []Param{{Name: "id", In: "path", Required: true, Description: "numeric id"}}
	str := map[string]any{"type": "string"}
	created := obj(nil, map[string]any{"id": map[string]any{"type": "integer"}, "tracking_code": str, "state": str})
	object := map[string]any{"type": "object"}
	a.route("POST", "/api/v1/cases/{code}/disputes", a.openDispute, Op{ID: "openDispute", Tag: "complaints",
		Summary: "Ask to negotiate about one of one's own cases, open or closed (§7)", Auth: true, Params: code, Status: 201,
		Body: obj([]string{"subject", "body"}, map[string]any{"subject": map[string]any{"enum": []string{"decision", "delay", "document_demand", "conduct"}},
			"body": str}), Response: created, Errors: []int{400, 401, 404}})
	a.route("GET", "/api/v1/disputes/{id}", a.getDispute, Op{ID: "getDispute", Tag: "complaints",
		Summary: "A negotiation and its thread (its applicant and the service's supervisors)", Auth: true, Params: id, Response: object, Errors: []int{401, 404}})
	a.route("POST", "/api/v1/disputes/{id}/messages", a.disputeMessage, Op{ID: "postDisputeMessage", Tag: "complaints",
		Summary: "Write in a negotiation; the unit's first message is its answer", Auth: true, Params: id, Status: 204,
		Body: obj([]string{"body"}, map[string]any{"body": str}), Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/disputes/{id}/settlement", a.disputeSettlement, Op{ID: "disputeSettlement", Tag: "complaints",
		Summary: "Propose a settlement (either side) or accept the other side's", Auth: true, Params: id, Status: 204,
		Body:   obj([]string{"action"}, map[string]any{"action": map[string]any{"enum": []string{"propose", "accept"}}, "text": str}),
		Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/disputes/{id}/escalate", a.escalateDispute, Op{ID: "escalateDispute", Tag: "complaints",
		Summary: "Turn a failed negotiation into a formal complaint (once)", Auth: true, Params: id, Status: 201,
		Body: obj(nil, map[string]any{"body": str}), Response: created, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/complaints", a.fileComplaint, Op{ID: "fileComplaint", Tag: "complaints",
		Summary: "File a direct complaint about staff conduct (C-4.9) or the service (A-4.2)", Auth: true, Status: 201,
		Body: obj([]string{"type", "body"}, map[string]any{"type": map[string]any{"enum": []string{"conduct", "service"}},
			"service": str, "case": str, "body": str}), Response: created, Errors: []int{400, 401, 403, 404}})
	a.route("GET", "/api/v1/complaints", a.myComplaints, Op{ID: "myComplaints", Tag: "complaints",
		Summary: "The caller's own negotiations and complaints; ?role=committee or ?role=unit for staff", Auth: true,
		Params: []Param{{Name: "role", In: "query"}}, Response: object, Errors: []int{401}})
	a.route("GET", "/api/v1/complaints/stats", a.complaintStats, Op{ID: "complaintStats", Tag: "complaints",
		Summary:  "Public complaint figures of a service: counts by type and outcome, median time to decision, upheld rate (no content, D-1)",
		Params:   []Param{{Name: "service", In: "query"}, {Name: "from", In: "query", Description: "RFC 3339"}, {Name: "to", In: "query", Description: "RFC 3339"}},
		Response: object, Errors: []int{400}})
	a.route("GET", "/api/v1/complaints/{id}", a.getComplaint, Op{ID: "getComplaint", Tag: "complaints",
		Summary: "A complaint as the caller may see it: the deliberation only for committee members who are not excluded",
		Auth:    true, Params: id, Response: object, Errors: []int{401, 404}})
	a.complaintActionRoutes(id)
}

func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, problem.New(problem.NotFound, "complaints.not_found")
	}
	return n, nil
}

// desk is the complaints desk cmd/miz wired in.
func (a *API) desk() *complaints.Service { return a.Complaints }

type disputeRequest struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

func (a *API) openDispute(w http.ResponseWriter, r *http.Request) {
	var req disputeRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	dp, err := a.desk().OpenDispute(r.Context(), principal(r), r.PathValue("code"), complaints.DisputeInput{Subject: req.Subject, Body: req.Body})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/disputes/"+strconv.FormatInt(dp.ID, 10))
	writeJSON(w, http.StatusCreated, map[string]any{"id": dp.ID, "tracking_code": dp.TrackingCode, "state": dp.State,
		"due_at": isoTime(dp.DueAt)})
}

func (a *API) getDispute(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	dp, err := a.desk().GetDispute(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	msgs := []map[string]any{}
	for _, m := range dp.Messages {
		msgs = append(msgs, map[string]any{"id": m.ID, "by_staff": m.ByStaff, "kind": m.Kind, "body": m.Body, "at": isoTime(m.At)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": dp.ID, "tracking_code": dp.TrackingCode, "case": dp.CaseCode,
		"service": dp.Service, "subject": dp.Subject, "state": dp.State, "opened_at": isoTime(dp.OpenedAt),
		"due_at": isoTime(dp.DueAt), "responded_at": isoTime(dp.RespondedAt), "settlement": dp.Settlement,
		"complaint_id": dp.ComplaintID, "messages": msgs})
}

type textRequest struct {
	Body string `json:"body"`
}

func (a *API) disputeMessage(w http.ResponseWriter, r *http.Request) {
	a.withID(w, r, func(id int64) error {
		var req textRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		return a.desk().PostDisputeMessage(r.Context(), principal(r), id, req.Body)
	})
}

type settlementRequest struct {
	Action string `json:"action"`
	Text   string `json:"text"`
}

func (a *API) disputeSettlement(w http.ResponseWriter, r *http.Request) {
	a.withID(w, r, func(id int64) error {
		var req settlementRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		switch req.Action {
		case "propose":
			return a.desk().ProposeSettlement(r.Context(), principal(r), id, req.Text)
		case "accept":
			return a.desk().AcceptSettlement(r.Context(), principal(r), id)
		}
		return problem.Field("action", "error.required")
	})
}

func (a *API) escalateDispute(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var req textRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	k, err := a.desk().Escalate(r.Context(), principal(r), id, req.Body)
	a.writeFiled(w, r, k, err)
}

type fileRequest struct {
	Type    string `json:"type"`
	Service string `json:"service"`
	Case    string `json:"case"`
	Body    string `json:"body"`
}

func (a *API) fileComplaint(w http.ResponseWriter, r *http.Request) {
	var req fileRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	k, err := a.desk().File(r.Context(), principal(r), complaints.FileInput{Service: req.Service, CaseCode: req.Case, Type: req.Type, Body: req.Body})
	a.writeFiled(w, r, k, err)
}

// writeFiled answers 201 with a new complaint's id, tracking code and state.
func (a *API) writeFiled(w http.ResponseWriter, r *http.Request, k *complaints.Complaint, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/complaints/"+strconv.FormatInt(k.ID, 10))
	writeJSON(w, http.StatusCreated, map[string]any{"id": k.ID, "tracking_code": k.TrackingCode, "state": k.State,
		"due_at": isoTime(k.DueAt)})
}

func (a *API) myComplaints(w http.ResponseWriter, r *http.Request) {
	list := a.desk().Mine
	switch r.URL.Query().Get("role") {
	case "committee":
		list = a.desk().ForCommittee
	case "unit":
		list = a.desk().ForUnit
	}
	items, err := list(r.Context(), principal(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, s := range items {
		out = append(out, map[string]any{"kind": s.Kind, "id": s.ID, "tracking_code": s.TrackingCode, "service": s.Service,
			"case": s.CaseCode, "type": s.Type, "state": s.State, "outcome": s.Outcome, "opened_at": isoTime(s.Opened),
			"due_at": isoTime(s.DueAt), "excluded": s.Excluded})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (a *API) complaintStats(w http.ResponseWriter, r *http.Request) {
	var from, to time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := r.URL.Query().Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				a.fail(w, r, problem.Field(p.name, "complaints.date"))
				return
			}
			*p.t = t
		}
	}
	f, err := a.desk().Stats(r.Context(), r.URL.Query().Get("service"), from, to)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"service": f.Service, "disputes": f.Disputes, "settled": f.Settled,
		"escalated": f.Escalated, "complaints": f.Complaints, "by_type": f.ByType, "decided": f.Decided,
		"by_outcome": f.ByOutcome, "median_seconds_to_decision": int64(f.MedianTimeToDecision.Seconds()),
		"upheld_rate": f.UpheldRate, "overdue": f.Overdue})
}
