package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// caseRoutes declares the case engine's API (issue 4).
func (a *API) caseRoutes() {
	code := []Param{{Name: "code", In: "path", Required: true, Description: "tracking code, e.g. ABCD-EFGH-JK"}}
	caseResp := map[string]any{"type": "object"}
	oneCase := caseSchema()
	a.route("POST", "/api/v1/cases", a.openCase, Op{ID: "openCase", Tag: "cases", Summary: "Open a draft case on a service", Auth: true,
		Body: obj([]string{"service", "kind"}, map[string]any{"service": map[string]any{"type": "string"},
			"kind": map[string]any{"type": "string"}, "form": map[string]any{"type": "object"}}),
		Status: 201, Response: obj(nil, map[string]any{"tracking_code": map[string]any{"type": "string"}}), Errors: []int{400, 401, 403}})
	a.route("GET", "/api/v1/cases", a.myCases, Op{ID: "myCases", Tag: "cases", Summary: "The caller's own cases, newest first", Auth: true,
		Response: caseResp, Errors: []int{401}})
	a.route("GET", "/api/v1/cases/{code}", a.getCase, Op{ID: "getCase", Tag: "cases", Summary: "A case with its state, holder, SLA clock and the actions the caller may take now",
		Auth: true, Params: code, Response: oneCase, Errors: []int{400, 401, 404}})
	a.route("GET", "/api/v1/cases/{code}/history", a.caseHistory, Op{ID: "caseHistory", Tag: "cases", Summary: "A case's state history",
		Auth: true, Params: code, Response: caseResp, Errors: []int{400, 401, 404}})
	a.route("POST", "/api/v1/cases/{code}/documents", a.attachDocument, Op{ID: "attachDocument", Tag: "cases",
		Summary: "Upload a document the catalog lists (multipart: form value type, then field file)", Auth: true, Params: code,
		BodyType: "multipart/form-data", Status: 201, Response: caseResp, Errors: []int{400, 401, 403, 404, 409, 413, 415},
		BodyLimit: a.maxDocumentSize})
	a.route("POST", "/api/v1/cases/{code}/submit", a.submitCase, Op{ID: "submitCase", Tag: "cases", Summary: "Submit a draft; the clock starts",
		Auth: true, Params: code, Response: oneCase, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/cases/{code}/transitions", a.transitionCase, Op{ID: "transitionCase", Tag: "cases",
		Summary: "Take a step of the service's published process", Auth: true, Params: code,
		Body: obj([]string{"transition"}, map[string]any{"transition": map[string]any{"type": "string"},
			"reason": map[string]any{"type": "string"}, "decision": map[string]any{"enum": []string{"approve", "reject"}},
			"version": map[string]any{"type": "integer"}, "checklist": map[string]any{"type": "array",
				"description": "CERTIFY review: [{criterion, result: pass|fail, note}] for every criterion"}}),
		Response: oneCase, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/cases/{code}/return", a.returnCase, Op{ID: "returnIncomplete", Tag: "cases",
		Summary: "Return a case to the applicant as incomplete; the clock pauses", Auth: true, Params: code,
		Body: obj([]string{"items"}, map[string]any{"items": map[string]any{"type": "array"}, "reason": map[string]any{"type": "string"},
			"version": map[string]any{"type": "integer"}}), Response: oneCase, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/cases/{code}/resubmit", a.resubmitCase, Op{ID: "resubmitCase", Tag: "cases",
		Summary: "Resubmit an incomplete case; the clock resumes", Auth: true, Params: code, Response: oneCase, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/cases/{code}/messages", a.postMessage, Op{ID: "postCaseMessage", Tag: "cases",
		Summary: "Post a message, or an internal note (staff only)", Auth: true, Params: code, Status: 201,
		Body:     obj([]string{"body"}, map[string]any{"body": map[string]any{"type": "string"}, "internal": map[string]any{"type": "boolean"}}),
		Response: caseResp, Errors: []int{400, 401, 403, 404}})
	a.route("GET", "/api/v1/cases/{code}/messages", a.listMessages, Op{ID: "listCaseMessages", Tag: "cases",
		Summary: "Messages of a case; internal notes only for staff", Auth: true, Params: code, Response: caseResp, Errors: []int{401, 404}})
	a.route("POST", "/api/v1/cases/{code}/claim", a.claimCase, Op{ID: "claimCase", Tag: "cases", Summary: "Assign the case to oneself",
		Auth: true, Params: code, Status: 204, Errors: []int{401, 403, 404, 409}})
	a.route("GET", "/api/v1/queue", a.queue, Op{ID: "queue", Tag: "cases", Summary: "A service's staff queue, nearest deadline first",
		Auth: true, Params: []Param{{Name: "service", In: "query", Required: true}, {Name: "state", In: "query"},
			{Name: "assignee", In: "query"}, {Name: "unassigned", In: "query"}, {Name: "limit", In: "query"}, {Name: "offset", In: "query"}},
		Response: caseResp, Errors: []int{401, 403}})
	a.route("GET", "/api/v1/track/{code}", a.trackCase, Op{ID: "trackCase", Tag: "cases",
		Summary: "Public status behind a tracking code (no form or documents)", Params: code, Response: caseResp, Errors: []int{400, 404}})
}

// maxDocumentSize is the largest document any service accepts, plus room for the
// multipart framing.
// maxDocumentSize is the upload limit of the catalog in force when the request
// arrives (catalog.UploadLimit), as on the web: a published change holds at once.
func (a *API) maxDocumentSize(r *http.Request) int64 {
	if a.Services == nil {
		return catalog.DefaultUploadLimit
	}
	svcs, err := a.Services(r.Context())
	if err != nil {
		return catalog.DefaultUploadLimit
	}
	return catalog.UploadLimit(svcs)
}

type openCaseRequest struct {
	Service string          `json:"service"`
	Kind    string          `json:"kind"`
	Form    json.RawMessage `json:"form"`
}

func (a *API) openCase(w http.ResponseWriter, r *http.Request) {
	var req openCaseRequest
	if err := decode(r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if req.Service == "" {
		a.fail(w, r, problem.Field("service", "error.required"))
		return
	}
	c, err := a.Cases.Open(r.Context(), principal(r), cases.OpenInput{Service: req.Service, Kind: req.Kind, Form: req.Form})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.TrackingCode)
	writeJSON(w, http.StatusCreated, map[string]any{"tracking_code": c.TrackingCode, "state": c.State})
}

func (a *API) getCase(w http.ResponseWriter, r *http.Request) {
	a.writeCase(w, r, http.StatusOK)
}

// writeCase answers with the case's current view and what the caller may do now,
// read at once (architecture #12).
func (a *API) writeCase(w http.ResponseWriter, r *http.Request, status int) {
	v, err := a.Cases.CaseView(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, caseOf(v))
}

func (a *API) caseHistory(w http.ResponseWriter, r *http.Request) {
	evs, err := a.Cases.History(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []eventJSON{}
	for _, ev := range evs {
		out = append(out, eventJSON{At: isoTime(ev.At), From: ev.FromState, To: ev.ToState, Holder: ev.Holder,
			Transition: ev.Transition, Reason: ev.Reason, Decision: ev.Decision, Resubmission: ev.Resubmission})
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
}

// attachDocument streams the multipart part named file straight into the engine;
// the document type comes from the form value type sent before it (or ?type=).
func (a *API) attachDocument(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		a.fail(w, r, problem.New(problem.Unsupported, "error.content_type", "multipart/form-data"))
		return
	}
	docType := r.URL.Query().Get("type")
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			a.fail(w, r, problem.Field("file", "error.required"))
			return
		}
		if err != nil {
			a.fail(w, r, tooLargeOr(err, problem.Field("file", "error.required")))
			return
		}
		switch part.FormName() {
		case "type":
			b, _ := io.ReadAll(io.LimitReader(part, 128))
			docType = string(b)
		case "file":
			a.storeUpload(w, r, part, docType)
			return
		}
		part.Close()
	}
}

func (a *API) storeUpload(w http.ResponseWriter, r *http.Request, part *multipart.Part, docType string) {
	if docType == "" {
		a.fail(w, r, problem.Field("type", "error.required"))
		return
	}
	doc, err := a.Cases.AttachDocument(r.Context(), principal(r), r.PathValue("code"), cases.AttachInput{
		Type: docType, Filename: part.FileName(), Declared: part.Header.Get("Content-Type"), Body: part})
	if err != nil {
		a.fail(w, r, tooLargeOr(err, err))
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": doc.ID, "type": doc.Type, "sha256": doc.SHA256,
		"size": doc.Size, "mime": doc.MIME, "filename": doc.Filename, "uploaded_at": isoTime(doc.UploadedAt)})
}

// tooLargeOr reports a body over the route's limit as 413, and anything else as other.
func tooLargeOr(err, other error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problem.New(problem.TooLarge, "error.too_large", strconv.FormatInt(mbe.Limit>>20, 10)+" MB")
	}
	return other
}

func (a *API) submitCase(w http.ResponseWriter, r *http.Request) {
	if _, err := a.Cases.Submit(r.Context(), principal(r), r.PathValue("code")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeCase(w, r, http.StatusOK)
}

func principal(r *http.Request) *identity.Principal {
	return httpauth.FromContext(r.Context()).Principal
}
