package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/consent"
	"github.com/itoir/miz/internal/cert/disclosure"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/cert/report"
)

// CertWork is the CERT desk's services beside the incident module: on-site
// dispatch (M-4.4), access consent, technical reports (D-3) and
// coordinated disclosure. Each may be nil, which leaves its routes out.
type CertWork struct {
	Dispatch   *dispatch.Service
	Consent    *consent.Service
	Reports    *report.Service
	Disclosure *disclosure.Service
}

var (
	certStr     = map[string]any{"type": "string"}
	certStrList = map[string]any{"type": "array", "items": certStr}
	certObj     = map[string]any{"type": "object"}
	certCodeP   = Param{Name: "code", In: "path", Required: true, Description: "tracking code of the incident or dispatch request"}
	certIDP     = Param{Name: "id", In: "path", Required: true, Description: "number"}
)

// certWorkRoutes declares the dispatch, consent, report and disclosure API.
func (a *API) certWorkRoutes() {
	if a.CertWork == nil {
		return
	}
	if a.CertWork.Dispatch != nil {
		a.dispatchRoutes()
	}
	if a.CertWork.Consent != nil {
		a.consentRoutes()
	}
	if a.CertWork.Reports != nil {
		a.reportRoutes()
	}
	if a.CertWork.Disclosure != nil {
		a.disclosureRoutes()
	}
}

func (a *API) dispatchRoutes() {
	base := "/api/v1/cases/{code}/dispatches"
	one := []Param{certCodeP, certIDP}
	a.route("GET", base, a.listDispatches, Op{ID: "listDispatches", Tag: "cert", Auth: true, Params: []Param{certCodeP},
		Summary:  "The case's investigation team dispatches with the dispatch clock, request to arrival (M-4.4)",
		Response: certObj, Errors: []int{401, 404}})
	a.route("POST", base, a.requestDispatch, Op{ID: "requestDispatch", Tag: "cert", Auth: true, Params: []Param{certCodeP},
		Summary: "The applicant asks for an investigation team; the dispatch clock starts (M-4.4)",
		Body:    obj(nil, map[string]any{"note": certStr}), Status: 201, Response: certObj, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", base+"/{id}/team", a.dispatchTeam, Op{ID: "recordDispatchTeam", Tag: "cert", Auth: true, Params: one,
		Summary:  "The lead records the team: members, planned departure and ETA (Jalali or Gregorian, Tehran time)",
		Body:     obj([]string{"members", "planned_departure", "eta"}, map[string]any{"members": certStrList, "planned_departure": certStr, "eta": certStr}),
		Response: certObj, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", base+"/{id}/arrival", a.dispatchArrival, Op{ID: "recordDispatchArrival", Tag: "cert", Auth: true, Params: one,
		Summary: "The lead records the team's arrival (empty: now); the dispatch clock stops",
		Body:    obj(nil, map[string]any{"at": certStr}), Response: certObj, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", base+"/{id}/departure", a.dispatchDeparture, Op{ID: "recordDispatchDeparture", Tag: "cert", Auth: true, Params: one,
		Summary: "The lead records the departure from the site (empty: now) and the field notes",
		Body:    obj(nil, map[string]any{"at": certStr, "field_notes": certStr}), Response: certObj, Errors: []int{400, 401, 403, 404, 409}})
}

type dispatchJSON struct {
	ID               int64     `json:"id"`
	RequestedAt      time.Time `json:"requested_at"`
	RequestNote      string    `json:"request_note"`
	Members          []string  `json:"members"`
	PlannedDeparture *string   `json:"planned_departure"`
	ETA              *string   `json:"eta"`
	ArrivedAt        *string   `json:"arrived_at"`
	LeftAt           *string   `json:"left_at"`
	FieldNotes       string    `json:"field_notes"`
	TeamRecorded     bool      `json:"team_recorded"`
	ClockSeconds     int64     `json:"dispatch_clock_seconds"`
	ClockRunning     bool      `json:"dispatch_clock_running"`
}

func instant(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func dispatchOf(d *dispatch.Dispatch, now time.Time) dispatchJSON {
	c := d.ClockAt(now)
	m := d.Members
	if m == nil {
		m = []string{}
	}
	return dispatchJSON{ID: d.ID, RequestedAt: d.RequestedAt.UTC(), RequestNote: d.RequestNote, Members: m,
		PlannedDeparture: instant(d.PlannedDeparture), ETA: instant(d.ETA), ArrivedAt: instant(d.ArrivedAt), LeftAt: instant(d.LeftAt),
		FieldNotes: d.FieldNotes, TeamRecorded: d.TeamRecorded(), ClockSeconds: int64(c.Elapsed / time.Second), ClockRunning: c.Running}
}

func (a *API) listDispatches(w http.ResponseWriter, r *http.Request) {
	v, err := a.CertWork.Dispatch.List(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []dispatchJSON{}
	for _, d := range v.Dispatches {
		out = append(out, dispatchOf(d, v.Now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": v.CaseCode, "dispatches": out})
}

func (a *API) requestDispatch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Note string `json:"note"`
	}
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.CertWork.Dispatch.Request(r.Context(), principal(r), r.PathValue("code"), req.Note)
	a.dispatchDone(w, r, d, err, http.StatusCreated)
}

func (a *API) dispatchTeam(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Members          []string `json:"members"`
		PlannedDeparture string   `json:"planned_departure"`
		ETA              string   `json:"eta"`
	}
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	d, err := a.CertWork.Dispatch.RecordTeam(r.Context(), principal(r), r.PathValue("code"), id, dispatch.TeamInput{
		Members: strings.Join(req.Members, "\n"), PlannedDeparture: req.PlannedDeparture, ETA: req.ETA})
	a.dispatchDone(w, r, d, err, http.StatusOK)
}

type atRequest struct {
	At         string `json:"at"`
	FieldNotes string `json:"field_notes"`
}

func (a *API) dispatchArrival(w http.ResponseWriter, r *http.Request) {
	var req atRequest
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	d, err := a.CertWork.Dispatch.RecordArrival(r.Context(), principal(r), r.PathValue("code"), id, req.At)
	a.dispatchDone(w, r, d, err, http.StatusOK)
}

func (a *API) dispatchDeparture(w http.ResponseWriter, r *http.Request) {
	var req atRequest
	id, ok := a.idAndBody(w, r, &req)
	if !ok {
		return
	}
	d, err := a.CertWork.Dispatch.RecordDeparture(r.Context(), principal(r), r.PathValue("code"), id, req.At, req.FieldNotes)
	a.dispatchDone(w, r, d, err, http.StatusOK)
}

func (a *API) dispatchDone(w http.ResponseWriter, r *http.Request, d *dispatch.Dispatch, err error, status int) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, dispatchOf(d, time.Now()))
}
