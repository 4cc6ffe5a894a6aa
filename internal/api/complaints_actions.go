package api

import (
	"net/http"

	"github.com/itoir/miz/internal/complaints"
)

// complaintActionRoutes declares the committee's and the parties' actions on a
// complaint.
func (a *API) complaintActionRoutes(id []Param) {
	str := map[string]any{"type": "string"}
	outcome := map[string]any{"enum": []string{"upheld", "partly_upheld", "rejected"}}
	text := obj([]string{"body"}, map[string]any{"body": str})
	actions := []struct {
		path, opID, summary string
		h                   http.HandlerFunc
		body                map[string]any
		errs                []int
	}{
		{"findings", "addFinding", "Record a committee finding (deliberation)", a.addFinding, text, []int{400, 401, 403, 404, 409}},
		{"information", "requestInformation", "Ask the applicant (the clock pauses) or the unit for information", a.requestInformation,
			obj([]string{"party", "body"}, map[string]any{"party": map[string]any{"enum": []string{"applicant", "staff"}}, "body": str}),
			[]int{400, 401, 403, 404, 409}},
		{"answers", "answerInformation", "Answer the committee's request for information (applicant, or a supervisor for the unit)",
			a.answerInformation, text, []int{400, 401, 403, 404, 409}},
		{"votes", "castVote", "Vote as a committee member; 403 for an excluded member or a non-member (C-4.5)", a.castVote,
			obj([]string{"outcome"}, map[string]any{"outcome": outcome, "note": str}), []int{400, 401, 403, 404, 409}},
		{"decision", "decideComplaint", "Record and announce the decision; 403 for an excluded member, 409 without quorum or once announced",
			a.decideComplaint, obj([]string{"reasons"}, map[string]any{"outcome": outcome, "reasons": str,
				"remedies": map[string]any{"type": "array", "items": obj([]string{"kind"}, map[string]any{
					"kind": map[string]any{"enum": []string{"reopen", "reassign", "redo_step", "apology"}}, "detail": str,
					"state": map[string]any{"type": "string", "description": "for reopen: the organization-held state the case returns to (default: the first)"}})}}),
			[]int{400, 401, 403, 404, 409}},
		{"corrections", "correctDecision", "Add a correction to an announced decision (the decision itself never changes)",
			a.correctDecision, text, []int{400, 401, 403, 404, 409}},
		{"acknowledge", "acknowledgeDecision", "The applicant acknowledges the announced decision", a.acknowledge, nil, []int{401, 403, 404, 409}},
	}
	for _, ac := range actions {
		a.route("POST", "/api/v1/complaints/{id}/"+ac.path, ac.h, Op{ID: ac.opID, Tag: "complaints", Summary: ac.summary,
			Auth: true, Params: id, Body: ac.body, Status: 204, Errors: ac.errs})
	}
	a.route("POST", "/api/v1/complaints/{id}/remedies/{remedy}", a.completeRemedy, Op{ID: "completeRemedy", Tag: "complaints",
		Summary: "A supervisor carries out a remedy (reassign through the case engine) and marks it done", Auth: true,
		Params: append(id, Param{Name: "remedy", In: "path", Required: true}), Status: 204,
		Body: obj(nil, map[string]any{"assignee": map[string]any{"type": "integer"}, "note": str,
			"state": map[string]any{"type": "string", "description": "for reopen: the organization-held state the case returns to (default: the first)"}}),
		Errors: []int{400, 401, 403, 404, 409}})
}

// withID runs fn with the path's id and answers 204 or the error.
func (a *API) withID(w http.ResponseWriter, r *http.Request, fn func(id int64) error) {
	id, err := pathID(r, "id")
	if err == nil {
		err = fn(id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) getComplaint(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.desk().Get(r.Context(), principal(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	entries, votes, remedies := []map[string]any{}, []map[string]any{}, []map[string]any{}
	for _, e := range v.Entries {
		entries = append(entries, map[string]any{"id": e.ID, "kind": e.Kind, "party": e.Party, "body": e.Body, "answered": e.Answered, "at": isoTime(e.At)})
	}
	for _, vt := range v.Votes {
		votes = append(votes, map[string]any{"account_id": vt.AccountID, "outcome": vt.Outcome, "note": vt.Note, "at": isoTime(vt.At)})
	}
	for _, rm := range v.Remedies {
		remedies = append(remedies, map[string]any{"id": rm.ID, "kind": rm.Kind, "detail": rm.Detail, "status": rm.Status, "done_at": isoTime(rm.DoneAt)})
	}
	out := map[string]any{"id": v.ID, "tracking_code": v.TrackingCode, "service": v.Service, "case": v.CaseCode,
		"type": v.Type, "state": v.State, "access": v.Access, "excluded": v.Excluded, "filed_at": isoTime(v.FiledAt),
		"due_at": isoTime(v.Clock.DueAt), "clock_paused": v.Clock.Paused, "outcome": v.Outcome, "decided_at": isoTime(v.DecidedAt),
		"remedies": remedies, "acknowledged_at": isoTime(v.AcknowledgedAt)}
	if v.State == complaints.StateAnnounced {
		out["reasons"] = v.Reasons
	}
	if v.Access == complaints.AccessCommittee || v.Access == complaints.AccessApplicant {
		out["body"], out["entries"] = v.Body, entries
	}
	if v.Access == complaints.AccessCommittee {
		out["votes"], out["quorum"], out["eligible_members"] = votes, v.Quorum, v.Members
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) textAction(w http.ResponseWriter, r *http.Request, fn func(id int64, body string) error) {
	a.withID(w, r, func(id int64) error {
		var req textRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		return fn(id, req.Body)
	})
}

func (a *API) addFinding(w http.ResponseWriter, r *http.Request) {
	a.textAction(w, r, func(id int64, body string) error { return a.desk().AddFinding(r.Context(), principal(r), id, body) })
}

func (a *API) answerInformation(w http.ResponseWriter, r *http.Request) {
	a.textAction(w, r, func(id int64, body string) error {
		return a.desk().AnswerInformation(r.Context(), principal(r), id, body)
	})
}

func (a *API) correctDecision(w http.ResponseWriter, r *http.Request) {
	a.textAction(w, r, func(id int64, body string) error { return a.desk().Correct(r.Context(), principal(r), id, body) })
}

func (a *API) requestInformation(w http.ResponseWriter, r *http.Request) {
	a.withID(w, r, func(id int64) error {
		var req struct {
			Party string `json:"party"`
			Body  string `json:"body"`
		}
		if err := decode(r, &req); err != nil {
			return err
		}
		return a.desk().RequestInformation(r.Context(), principal(r), id, req.Party, req.Body)
	})
}

func (a *API) castVote(w http.ResponseWriter, r *http.Request) {
	a.withID(w, r, func(id int64) error {
		var req struct {
			Outcome string `json:"outcome"`
			Note    string `json:"note"`
		}
		if err := decode(r, &req); err != nil {
			return err
		}
		return a.desk().CastVote(r.Context(), principal(r), id, req.Outcome, req.Note)
	})
}

type decisionRequest struct {
	Outcome  string `json:"outcome"`
	Reasons  string `json:"reasons"`
	Remedies []struct {
		Kind   string `json:"kind"`
		Detail string `json:"detail"`
		State  string `json:"state"` // reopen only
	} `json:"remedies"`
}

func (a *API) decideComplaint(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var req decisionRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	in := complaints.DecisionInput{Outcome: req.Outcome, Reasons: req.Reasons}
	for _, rm := range req.Remedies {
		in.Remedies = append(in.Remedies, complaints.RemedyInput{Kind: rm.Kind, Detail: rm.Detail, State: rm.State})
	}
	k, err := a.desk().Decide(r.Context(), principal(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": k.ID, "tracking_code": k.TrackingCode, "state": k.State,
		"outcome": k.Outcome, "decided_at": isoTime(k.DecidedAt)})
}

func (a *API) acknowledge(w http.ResponseWriter, r *http.Request) {
	a.withID(w, r, func(id int64) error { return a.desk().Acknowledge(r.Context(), principal(r), id) })
}

func (a *API) completeRemedy(w http.ResponseWriter, r *http.Request) {
	a.withID(w, r, func(id int64) error {
		rid, err := pathID(r, "remedy")
		if err != nil {
			return err
		}
		var req struct {
			Assignee int64  `json:"assignee"`
			State    string `json:"state"` // reopen only
			Note     string `json:"note"`
		}
		if r.ContentLength != 0 {
			if err := decode(r, &req); err != nil {
				return err
			}
		}
		return a.desk().CompleteRemedy(r.Context(), principal(r), id, rid, complaints.RemedyDone{Assignee: req.Assignee, State: req.State, Note: req.Note})
	})
}
