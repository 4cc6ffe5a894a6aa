package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/problem"
)

// documentRoutes declares a case's document: its download, for the case's applicant
// and the service's staff (D-1; every staff download is audited by the engine), and
// its deletion by the applicant before it is handed in (issue 13 item 1).
func (a *API) documentRoutes() {
	params := []Param{{Name: "code", In: "path", Required: true, Description: "tracking code"},
		{Name: "id", In: "path", Required: true, Description: "document ID from the upload's answer"}}
	a.route("GET", "/api/v1/cases/{code}/documents/{id}", a.downloadDocument, Op{ID: "downloadDocument", Tag: "cases",
		Summary: "Download a case's document, always as an attachment; a staff download is audited", Auth: true, Params: params,
		Produces: "application/octet-stream", Errors: []int{401, 403, 404}})
	a.route("DELETE", "/api/v1/cases/{code}/documents/{id}", a.deleteDocument, Op{ID: "deleteDocument", Tag: "cases",
		Summary: "Delete one of my uploads while the case is with me and the upload not yet handed in (409 after)",
		Auth:    true, Status: 204, Params: params, Errors: []int{401, 403, 404, 409}})
}

func (a *API) downloadDocument(w http.ResponseWriter, r *http.Request) {
	id, err := documentID(r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	doc, body, err := a.Cases.OpenDocument(r.Context(), principal(r), r.PathValue("code"), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer body.Close()
	documents.ServeDownload(w, doc.Filename, doc.MIME, doc.Size, body)
}

func (a *API) deleteDocument(w http.ResponseWriter, r *http.Request) {
	id, err := documentID(r.PathValue("id"))
	if err == nil {
		err = a.Cases.RemoveDocument(r.Context(), principal(r), r.PathValue("code"), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// documentID parses a document ID from a path; anything else is not found.
func documentID(text string) (int64, error) {
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.New(problem.NotFound, "error.not_found")
	}
	return id, nil
}
