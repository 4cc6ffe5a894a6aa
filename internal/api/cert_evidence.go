package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/problem"
)

// evidenceRoutes declares adding, listing and downloading incident evidence.
func (a *API) evidenceRoutes(code []Param) {
	if a.Evidence == nil {
		return
	}
	q := func(name, desc string) Param { return Param{Name: name, In: "query", Description: desc} }
	a.route("POST", "/api/v1/cases/{code}/incident/evidence", a.addEvidence, Op{ID: "addIncidentEvidence", Tag: "cert", Auth: true,
		Params: append(append([]Param(nil), code...), q("filename", "the file's name"), q("tlp", "its TLP label (default: the incident's)"),
			q("description", "what it is")),
		Summary:  "Add evidence (the raw file as the body; stored encrypted, never opened); limits per file and per incident from the catalog",
		BodyType: "application/octet-stream", Status: 201, Response: map[string]any{"type": "object"},
		Errors: []int{400, 401, 403, 404, 409, 413}, BodyLimit: a.evidenceLimit})
	a.route("GET", "/api/v1/cases/{code}/incident/evidence", a.listEvidence, Op{ID: "listIncidentEvidence", Tag: "cert", Auth: true,
		Params: code, Summary: "The incident's evidence the caller may see: name, size, SHA-256, TLP label",
		Response: map[string]any{"type": "object"}, Errors: []int{400, 401, 404}})
	a.route("GET", "/api/v1/cases/{code}/incident/evidence/{id}", a.downloadEvidence, Op{ID: "downloadIncidentEvidence", Tag: "cert",
		Auth: true, Params: append(append([]Param(nil), code...), Param{Name: "id", In: "path", Required: true, Description: "evidence ID"}),
		Summary: "Download one file of evidence (the assigned staff member only; audited)", Produces: "application/octet-stream",
		Errors: []int{400, 401, 403, 404}})
}

// evidenceLimit lets a body through up to the largest limit a catalog may set, a
// little over, so that the domain answers an oversize file with its field error.
func (a *API) evidenceLimit(r *http.Request) int64 {
	svcs, err := a.Services(r.Context())
	if err == nil {
		for _, svc := range svcs {
			if svc.Module == "cert" {
				if l, err := evidence.LimitsOf(svc); err == nil {
					return l.File + 1<<20
				}
			}
		}
	}
	return evidence.DefaultFileSize + 1<<20
}

func (a *API) addEvidence(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := a.Evidence.Add(r.Context(), principal(r), r.PathValue("code"), evidence.AddInput{Filename: q.Get("filename"),
		TLP: q.Get("tlp"), Description: q.Get("description"), Body: r.Body})
	if err != nil {
		a.fail(w, r, tooLargeOr(err, err))
		return
	}
	writeJSON(w, http.StatusCreated, evidenceJSON([]evidence.File{*f})[0])
}

func (a *API) listEvidence(w http.ResponseWriter, r *http.Request) {
	files, withheld, err := a.Evidence.List(r.Context(), principal(r), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"evidence": evidenceJSON(files), "withheld": withheld})
}

func (a *API) downloadEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.fail(w, r, problem.New(problem.NotFound, "cert.evidence.not_found"))
		return
	}
	f, body, err := a.Evidence.Open(r.Context(), principal(r), r.PathValue("code"), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer body.Close()
	documents.ServeDownload(w, f.Filename, "application/octet-stream", f.Size, body)
}
