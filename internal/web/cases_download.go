package web

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/problem"
)

// documentRoutes registers the download of a case's document for signed-in visitors.
func (s *Server) documentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cases/{code}/documents/{id}", s.signedIn(s.downloadDocument))
}

// blobOpener is the part of the document store a download needs.
type blobOpener interface {
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// downloadDocument sends one of a case's documents to its applicant or the service's
// staff, found through the engine's own authorised listing (D-1). An upload is never
// rendered in Miz's origin: it is always an attachment, never sniffed, and sandboxed.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.NotFound(w, r)
		return
	}
	docs, err := s.Cases.Documents(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var doc *cases.Document
	for i := range docs {
		if docs[i].ID == id {
			doc = &docs[i]
		}
	}
	store, ok := s.Cases.Docs.(blobOpener)
	if doc == nil || !ok {
		s.NotFound(w, r)
		return
	}
	body, err := store.Open(r.Context(), doc.SHA256)
	if err != nil {
		s.Fail(w, r, problem.New(problem.NotFound, "error.not_found"))
		return
	}
	defer body.Close()
	documents.ServeDownload(w, doc.Filename, doc.MIME, doc.Size, body)
}
