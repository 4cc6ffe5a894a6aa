package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/problem"
)

type transitionRequest struct {
	Transition string `json:"transition"`
	Reason     string `json:"reason"`
	Decision   string `json:"decision"`
	Version    int    `json:"version"`
	// Checklist is the module's record of the step (CERTIFY: the review checklist).
	Checklist json.RawMessage `json:"checklist"`
}

func (a *API) transitionCase(w http.ResponseWriter, r *http.Request) {
	var req transitionRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.Transition == "" {
		a.fail(w, r, problem.Field("transition", "error.required"))
		return
	}
	_, err := a.Cases.Transition(r.Context(), principal(r), r.PathValue("code"), cases.TransitionInput{
		Transition: req.Transition, Reason: req.Reason, Decision: req.Decision, Version: req.Version, Checklist: req.Checklist})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeCase(w, r, http.StatusOK)
}

type returnRequest struct {
	Items []struct {
		Item string `json:"item"`
		Note string `json:"note"`
	} `json:"items"`
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

func (a *API) returnCase(w http.ResponseWriter, r *http.Request) {
	var req returnRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	in := cases.ReturnInput{Reason: req.Reason, Version: req.Version}
	for _, it := range req.Items {
		in.Items = append(in.Items, cases.Deficiency{Item: it.Item, Note: it.Note})
	}
	if _, err := a.Cases.ReturnIncomplete(r.Context(), principal(r), r.PathValue("code"), in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeCase(w, r, http.StatusOK)
}

func (a *API) resubmitCase(w http.ResponseWriter, r *http.Request) {
	if _, err := a.Cases.Resubmit(r.Context(), principal(r), r.PathValue("code")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeCase(w, r, http.StatusOK)
}

type messageRequest struct {
	Body     string `json:"body"`
	Internal bool   `json:"internal"`
}

type messageJSON struct {
	ID       int64   `json:"id"`
	Author   int64   `json:"author_account_id"`
	ByStaff  bool    `json:"by_staff"`
	Body     string  `json:"body"`
	Internal bool    `json:"internal"`
	At       *string `json:"at"`
}

func messageOf(m cases.Message) messageJSON {
	return messageJSON{ID: m.ID, Author: m.AuthorID, ByStaff: m.ByStaff, Body: m.Body, Internal: m.Internal, At: isoTime(m.At)}
}

func (a *API) postMessage(w http.ResponseWriter, r *http.Request) {
	var req messageRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	add := a.Cases.AddMessage
	if req.Internal {
		add = a.Cases.AddInternalNote
	}
	m, err := add(r.Context(), principal(r), r.PathValue("code"), req.Body)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, messageOf(*m))
}

func (a *API) listMessages(w http.ResponseWriter, r *http.Request) {
	ms, err := a.Cases.Messages(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []messageJSON{}
	for _, m := range ms {
		out = append(out, messageOf(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

func (a *API) claimCase(w http.ResponseWriter, r *http.Request) {
	if err := a.Cases.Claim(r.Context(), principal(r), r.PathValue("code")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) queue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := cases.QueueFilter{Service: q.Get("service"), State: q.Get("state"), Unassigned: q.Get("unassigned") == "true"}
	f.Assignee, _ = strconv.ParseInt(q.Get("assignee"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	if f.Service == "" {
		a.fail(w, r, problem.Field("service", "error.required"))
		return
	}
	items, err := a.Cases.Queue(r.Context(), principal(r), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": queueOf(items)})
}

func (a *API) myCases(w http.ResponseWriter, r *http.Request) {
	items, err := a.Cases.MyCases(r.Context(), principal(r), 0, 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": queueOf(items)})
}

func queueOf(items []cases.QueueItem) []queueItemJSON {
	out := []queueItemJSON{}
	for _, it := range items {
		out = append(out, queueItemJSON{TrackingCode: it.TrackingCode, Kind: it.Kind, State: it.State, Holder: it.Holder,
			Assignee: it.AssigneeAccountID, SubmittedAt: isoTime(it.SubmittedAt), DueAt: isoTime(it.DueAt), Used: it.UsedSeconds})
	}
	return out
}

func (a *API) trackCase(w http.ResponseWriter, r *http.Request) {
	t, err := a.Cases.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := map[string]any{"tracking_code": t.TrackingCode, "service": t.Service, "kind": t.Kind,
		"submitted_at": isoTime(t.SubmittedAt), "closed_at": isoTime(t.ClosedAt), "sla": slaOf(t.Clock)}
	if t.State != nil {
		out["state"], out["state_name"], out["holder"] = t.State.ID, t.State.Name, t.State.Holder
	}
	writeJSON(w, http.StatusOK, out)
}
