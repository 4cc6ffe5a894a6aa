package api

import (
	"context"
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
		Produces: "application/octet-stream", Errors: []int{401, 403, 404}})
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

// blobOpener is the part of the document store a download needs; documents.Store
// has it, while the engine itself only ever writes.
type blobOpener interface {
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// openCaseDocument finds document idText of case code for the request's caller and
// opens its content; a document the caller may not see is reported as not found.
func openCaseDocument(r *http.Request, e *cases.Engine, code, idText string) (*cases.Document, io.ReadCloser, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, problem.New(problem.NotFound, "error.not_found")
	}
	docs, err := e.Documents(r.Context(), principal(r), code)
	if err != nil {
		return nil, nil, err
	}
	for i := range docs {
		if docs[i].ID != id {
			continue
		}
		store, ok := e.Docs.(blobOpener)
		if !ok {
			return nil, nil, problem.New(problem.Unavailable, "error.unavailable")
		}
		body, err := store.Open(r.Context(), docs[i].SHA256)
		if err != nil {
			return nil, nil, err
		}
		return &docs[i], body, nil
	}
	return nil, nil, problem.New(problem.NotFound, "error.not_found")
}

// serveDocument writes an uploaded file so that no browser renders it in Miz's
// origin: always an attachment, never sniffed, sandboxed by CSP if opened anyway,
// and never cached by shared caches.
func serveDocument(w http.ResponseWriter, doc *cases.Document, body io.Reader) {
	documents.ServeDownload(w, doc.Filename, doc.MIME, doc.Size, body)
}
