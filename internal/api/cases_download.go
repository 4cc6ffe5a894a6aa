package api

import (
	"io"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/problem"
)

// documentRoutes declares the download of a case's document. The listing that finds
// the document is the case engine's own, so the same authz rule guards both: the
// case's applicant and the service's staff, nobody else (D-1).
func (a *API) documentRoutes() {
	params := []Param{{Name: "code", In: "path", Required: true, Description: "tracking code"},
		{Name: "id", In: "path", Required: true, Description: "document ID from the upload's answer"}}
	a.route("GET", "/api/v1/cases/{code}/documents/{id}", a.downloadDocument, Op{ID: "downloadDocument", Tag: "cases",
		Summary: "Download a case's document, always as an attachment", Auth: true, Params: params,
		Produces: "application/octet-stream", Errors: []int{401, 403, 404, 503}})
}

func (a *API) downloadDocument(w http.ResponseWriter, r *http.Request) {
	doc, body, err := openCaseDocument(r, a.Cases, r.PathValue("code"), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer body.Close()
	serveDocument(w, doc, body)
}

// openCaseDocument finds document idText of case code for the request's caller and
// opens its content; the engine decides not found against unavailable (D-1).
func openCaseDocument(r *http.Request, e *cases.Engine, code, idText string) (*cases.Document, io.ReadCloser, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, problem.New(problem.NotFound, "error.not_found")
	}
	return e.OpenDocument(r.Context(), principal(r), code, id)
}

// serveDocument writes an uploaded file so that no browser renders it in Miz's
// origin: always an attachment, never sniffed, sandboxed by CSP if opened anyway,
// and never cached by shared caches.
func serveDocument(w http.ResponseWriter, doc *cases.Document, body io.Reader) {
	documents.ServeDownload(w, doc.Filename, doc.MIME, doc.Size, body)
}
