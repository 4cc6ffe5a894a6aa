package web

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/documents"
)

// documentRoutes registers the download of a case's document for signed-in visitors.
func (s *Server) documentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cases/{code}/documents/{id}", s.signedIn(s.downloadDocument))
}

// downloadDocument sends one of a case's documents to its applicant or the service's
// staff; the engine finds it through its own authorised listing and decides the
// answer when the content cannot be read (D-1). An upload is never rendered in Miz's
// origin: it is always an attachment, never sniffed, and sandboxed.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.NotFound(w, r)
		return
	}
	doc, body, err := s.Cases.OpenDocument(r.Context(), caller(r), r.PathValue("code"), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	defer body.Close()
	documents.ServeDownload(w, doc.Filename, doc.MIME, doc.Size, body)
}
