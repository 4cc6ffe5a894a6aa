package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// incidentRoutes declares the CERT incident desk's API (issue 15): report, queue,
// the incident under need-to-know and TLP, triage, phases, notes, indicators,
// closure, exports, evidence and statistics. Without the incident service wired
// in, none of them is served.
func (a *API) incidentRoutes() {
	if a.Incidents == nil {
		return
	}
	code := []Param{{Name: "code", In: "path", Required: true, Description: "tracking code, e.g. ABCD-EFGH-JK"}}
	str := map[string]any{"type": "string"}
	anyObj := map[string]any{"type": "object"}
	errs := []int{400, 401, 403, 404, 409}
	a.route("POST", "/api/v1/cert/incidents", a.reportIncident, Op{ID: "reportIncident", Tag: "cert", Auth: true,
		Summary: "Report a security incident and send it to the CERT (staff: for an organisation, with organization and channel); every field at fault is listed in fields",
		Body: obj([]string{"form"}, map[string]any{"form": anyObj, "organization": str,
			"channel": map[string]any{"enum": reactive.Channels()}}),
		Status: 201, Response: obj(nil, map[string]any{"tracking_code": str}), Errors: []int{400, 401, 403}})
	a.route("GET", "/api/v1/cert/queue", a.incidentQueue, Op{ID: "incidentQueue", Tag: "cert", Auth: true,
		Summary: "Open incidents by severity, then least time left (no content)", Response: anyObj, Errors: []int{401, 403}})
	a.route("GET", "/api/v1/cases/{code}/incident", a.getIncident, Op{ID: "getIncident", Tag: "cert", Auth: true, Params: code,
		Summary:  "An incident as the caller may see it: need-to-know, and nothing above the caller's TLP reach",
		Response: anyObj, Errors: []int{400, 401, 404}})
	a.route("POST", "/api/v1/cases/{code}/incident/triage", a.triageIncident, Op{ID: "triageIncident", Tag: "cert", Auth: true,
		Params: code, Summary: "Classify on the RSIT taxonomy and set the severity (first response on a reported incident)",
		Body: obj([]string{"class", "type", "severity"}, map[string]any{"class": str, "type": str,
			"severity": map[string]any{"type": "string", "description": "critical, high, medium or low"}}),
		Response: anyObj, Errors: errs})
	a.route("POST", "/api/v1/cases/{code}/incident/phases", a.incidentPhase, Op{ID: "recordIncidentPhase", Tag: "cert", Auth: true,
		Params: code, Summary: "Record a handling phase (containment, eradication, recovery)",
		Body: obj([]string{"phase", "note"}, map[string]any{"phase": str, "note": str, "tlp": str}), Response: anyObj, Errors: errs})
	a.route("POST", "/api/v1/cases/{code}/incident/notes", a.incidentNote, Op{ID: "addIncidentNote", Tag: "cert", Auth: true,
		Params: code, Summary: "Add an analyst's note with its TLP label",
		Body: obj([]string{"body"}, map[string]any{"body": str, "tlp": str}), Response: anyObj, Errors: errs})
	a.route("POST", "/api/v1/cases/{code}/incident/indicators", a.incidentIndicators, Op{ID: "addIncidentIndicators", Tag: "cert",
		Auth: true, Params: code, Summary: "Add indicators (normalised, de-duplicated; defanged forms accepted)", MaxBodySize: 4 << 20,
		Body: obj([]string{"indicators"}, map[string]any{"indicators": map[string]any{"description": "a list of strings or {type, value, tlp}, or one text"},
			"tlp": str}), Response: anyObj, Errors: errs})
	a.route("POST", "/api/v1/cases/{code}/incident/close", a.closeIncident, Op{ID: "closeIncident", Tag: "cert", Auth: true,
		Params: code, Summary: "Close with a closure code: resolved, not_an_incident, duplicate_of, out_of_scope",
		Body: obj([]string{"closure"}, map[string]any{"closure": str, "duplicate_of": str, "reason": str}), Response: anyObj, Errors: errs})
	a.route("GET", "/api/v1/cases/{code}/incident/export", a.exportIncident, Op{ID: "exportIncident", Tag: "cert", Auth: true,
		Params:  append(append([]Param(nil), code...), Param{Name: "format", In: "query", Required: true, Description: "stix or misp"}),
		Summary: "The indicators the caller may see, as a STIX 2.1 bundle or a MISP event", Response: anyObj, Errors: []int{400, 401, 404}})
	a.route("POST", "/api/v1/cases/{code}/incident/recipients", a.nameRecipient, Op{ID: "nameIncidentRecipient", Tag: "cert", Auth: true,
		Params: code, Summary: "Name an account as a recipient of the incident's TLP:RED items (supervisors only)",
		Body: obj([]string{"account"}, map[string]any{"account": map[string]any{"type": "integer"}}), Response: anyObj, Errors: errs})
	a.evidenceRoutes(code)
	a.statsRoutes()
}

// fieldProblem is one field at fault in a 400 answer.
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// failFields answers like fail, and lists every field at fault of a form
// (incident.FieldErrors) in "fields" so a client can mark them all at once.
func (a *API) failFields(w http.ResponseWriter, r *http.Request, err error) {
	var list incident.FieldErrors
	if !errors.As(err, &list) || len(list) == 0 {
		a.fail(w, r, err)
		return
	}
	lang := i18n.FromAPIRequest(r)
	first := list[0]
	body := struct {
		Error struct {
			Code    string         `json:"code"`
			Message string         `json:"message"`
			Field   string         `json:"field,omitempty"`
			Fields  []fieldProblem `json:"fields"`
		} `json:"error"`
	}{}
	body.Error.Code = string(first.Code)
	body.Error.Message = i18n.T(lang, first.Key, first.Args...)
	body.Error.Field = first.Field
	for _, pe := range list {
		body.Error.Fields = append(body.Error.Fields, fieldProblem{Field: pe.Field, Message: i18n.T(lang, pe.Key, pe.Args...)})
	}
	writeJSON(w, problem.Status(first.Code), body)
}

func (a *API) reportIncident(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Form         json.RawMessage `json:"form"`
		Organization string          `json:"organization"`
		Channel      string          `json:"channel"`
	}
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	svc, err := a.certService(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Incidents.Report(r.Context(), principal(r), reactive.ReportInput{Service: svc, Form: in.Form,
		Organization: in.Organization, Channel: in.Channel})
	if err != nil {
		a.failFields(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"tracking_code": c.TrackingCode, "state": c.State})
}

// certService is the ID of the published service whose module is the CERT's.
func (a *API) certService(r *http.Request) (string, error) {
	svcs, err := a.Services(r.Context())
	if err != nil {
		return "", err
	}
	for _, svc := range svcs {
		if svc.Module == "cert" {
			return svc.ID, nil
		}
	}
	return "", problem.New(problem.NotFound, "error.not_found")
}

func (a *API) incidentQueue(w http.ResponseWriter, r *http.Request) {
	svc, err := a.certService(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	lines, err := a.Incidents.Queue(r.Context(), principal(r), svc)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, l := range lines {
		out = append(out, map[string]any{"tracking_code": l.TrackingCode, "state": l.State, "severity": string(l.Severity),
			"class": l.Class, "due": stamp(l.Due), "assignee": l.AssigneeName})
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": out})
}

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

type labelledJSON struct {
	Type  string `json:"type,omitempty"`
	Value string `json:"value,omitempty"`
	Phase string `json:"phase,omitempty"`
	Body  string `json:"body,omitempty"`
	TLP   string `json:"tlp"`
	At    any    `json:"at,omitempty"`
}

func (a *API) getIncident(w http.ResponseWriter, r *http.Request) {
	iv, err := a.Incidents.Incident(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var form incident.Form
	_ = json.Unmarshal(iv.Case.Form, &form)
	out := map[string]any{"tracking_code": iv.Case.TrackingCode, "state": iv.Case.State, "tlp": iv.Label.String(),
		"summary": form.Summary, "first_seen": form.FirstSeen, "impact": form.Impact, "assets": form.Assets,
		"withheld": iv.Withheld}
	inds, notes, phases := []labelledJSON{}, []labelledJSON{}, []labelledJSON{}
	for _, i := range iv.Indicators {
		inds = append(inds, labelledJSON{Type: i.Type, Value: i.Value, TLP: i.TLP.String()})
	}
	for _, n := range iv.Notes {
		notes = append(notes, labelledJSON{Body: n.Body, TLP: n.TLP.String(), At: stamp(n.At)})
	}
	for _, ph := range iv.Phases {
		phases = append(phases, labelledJSON{Phase: ph.Phase, Body: ph.Note, TLP: ph.TLP.String(), At: stamp(ph.At)})
	}
	out["indicators"], out["phases"] = inds, phases
	if principal(r).IsStaff() {
		out["notes"] = notes
	}
	if rec := iv.Record; rec != nil {
		out["reported_at"] = stamp(rec.ReportedAt)
		if rec.Severity != "" {
			out["triage"] = map[string]any{"class": rec.Class, "type": rec.Type, "severity": rec.Severity,
				"response_due": stamp(rec.ResponseDue), "resolution_due": stamp(rec.ResolutionDue)}
		}
		if rec.Code != "" {
			out["closure"] = map[string]any{"code": rec.Code, "duplicate_of": rec.DuplicateOf}
		}
		if rec.ReportedByStaff != 0 {
			out["reported_on_behalf"] = map[string]any{"channel": rec.Channel}
		}
	}
	if a.Evidence != nil {
		files, withheld, err := a.Evidence.List(r.Context(), principal(r), iv.Case.TrackingCode)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		out["withheld"] = iv.Withheld + withheld
		out["evidence"] = evidenceJSON(files)
	}
	writeJSON(w, http.StatusOK, out)
}

func evidenceJSON(files []evidence.File) []map[string]any {
	out := []map[string]any{}
	for _, f := range files {
		out = append(out, map[string]any{"id": f.ID, "filename": f.Filename, "size": f.Size, "sha256": f.SHA256,
			"tlp": f.TLP.String(), "description": f.Description, "uploaded_at": stamp(f.UploadedAt)})
	}
	return out
}

// done answers a use case's outcome with the incident as it now stands.
func (a *API) done(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		a.failFields(w, r, err)
		return
	}
	a.getIncident(w, r)
}

func (a *API) triageIncident(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Class    string `json:"class"`
		Type     string `json:"type"`
		Severity string `json:"severity"`
	}
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.done(w, r, a.Incidents.Triage(r.Context(), principal(r), r.PathValue("code"), in.Class, in.Type, in.Severity))
}

func (a *API) incidentPhase(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Phase string `json:"phase"`
		Note  string `json:"note"`
		TLP   string `json:"tlp"`
	}
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.done(w, r, a.Incidents.RecordPhase(r.Context(), principal(r), r.PathValue("code"), in.Phase, in.Note, in.TLP))
}

func (a *API) incidentNote(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Body string `json:"body"`
		TLP  string `json:"tlp"`
	}
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.done(w, r, a.Incidents.AddNote(r.Context(), principal(r), r.PathValue("code"), in.Body, in.TLP))
}

func (a *API) incidentIndicators(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Indicators json.RawMessage `json:"indicators"`
		TLP        string          `json:"tlp"`
	}
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if len(in.Indicators) == 0 {
		a.fail(w, r, problem.Field("indicators", "cert.form.required"))
		return
	}
	_, err := a.Incidents.AddIndicators(r.Context(), principal(r), r.PathValue("code"), in.Indicators, in.TLP)
	a.done(w, r, err)
}

func (a *API) closeIncident(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Closure     string `json:"closure"`
		DuplicateOf string `json:"duplicate_of"`
		Reason      string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.done(w, r, a.Incidents.Close(r.Context(), principal(r), r.PathValue("code"), in.Closure, in.DuplicateOf, in.Reason))
}

func (a *API) exportIncident(w http.ResponseWriter, r *http.Request) {
	var buf strings.Builder
	if err := a.Incidents.Export(r.Context(), principal(r), r.PathValue("code"), r.URL.Query().Get("format"), &buf); err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(buf.String()))
}

func (a *API) nameRecipient(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Account int64 `json:"account"`
	}
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.done(w, r, a.Incidents.NameRecipient(r.Context(), principal(r), r.PathValue("code"), in.Account))
}
