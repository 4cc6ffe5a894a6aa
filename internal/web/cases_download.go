package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/problem"
)

// documentRoutes registers a case's documents: the download, the viewer page and the
// file the viewer frames, and the applicant's delete and replace (issue 13 item 1).
func (s *Server) documentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cases/{code}/documents/{id}", s.signedIn(s.downloadDocument))
	mux.HandleFunc("GET /cases/{code}/documents/{id}/view", s.signedIn(s.viewDocument))
	mux.HandleFunc("GET /cases/{code}/documents/{id}/inline", s.signedIn(s.inlineDocument))
	mux.HandleFunc("POST /cases/{code}/documents/{id}/delete", s.form(s.signedIn(s.deleteDocument)))
	mux.HandleFunc("POST /cases/{code}/documents/{id}/replace", s.signedIn(s.replaceDocument))
}

// documentID parses the {id} of a document path; anything else is not found.
func documentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem.New(problem.NotFound, "error.not_found")
	}
	return id, nil
}

// downloadDocument sends one of a case's documents to its applicant or the service's
// staff as an attachment, through the engine's audited OpenDocument (D-1): an upload
// is never rendered in Miz's origin, never sniffed, and sandboxed.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) {
	s.sendDocument(w, r, documents.ServeDownload)
}

// inlineDocument sends a PDF or image for the viewer's frame, sandboxed by its own
// CSP; other types still go as an attachment.
func (s *Server) inlineDocument(w http.ResponseWriter, r *http.Request) {
	s.sendDocument(w, r, documents.ServeInline)
}

func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request,
	serve func(http.ResponseWriter, string, string, int64, io.Reader)) {
	id, err := documentID(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	doc, body, err := s.Cases.OpenDocument(r.Context(), caller(r), r.PathValue("code"), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	defer body.Close()
	serve(w, doc.Filename, doc.MIME, doc.Size, body)
}

// viewDocument is the viewer page: the case's header and the document in a frame
// when the browser can show it, with its download link either way. The page itself
// reads only the listing; opening the file in the frame is what the audit records.
func (s *Server) viewDocument(w http.ResponseWriter, r *http.Request) {
	id, err := documentID(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	code := r.PathValue("code")
	docs, err := s.Cases.Documents(r.Context(), caller(r), code)
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
	if doc == nil {
		s.Fail(w, r, problem.New(problem.NotFound, "cases.document.not_found"))
		return
	}
	v, err := s.Cases.Get(r.Context(), caller(r), code)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "docs.view.title")
	name, named := documentNames(v.ServiceDef)[doc.Type]
	p.Data = map[string]any{"Code": v.TrackingCode, "Doc": doc, "Name": name, "Named": named, "Inline": documents.Inline(doc.MIME),
		"PDF": doc.MIME == "application/pdf", "Base": "/cases/" + code + "/documents/" + r.PathValue("id")}
	s.render(w, r, http.StatusOK, "document_view", p)
}

// deleteDocument removes one of the applicant's uploads before it is handed in; a
// refusal is shown on the case page beside the document.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) {
	id, err := documentID(r)
	if err == nil {
		err = s.Cases.RemoveDocument(r.Context(), caller(r), r.PathValue("code"), id)
	}
	s.caseDone(w, r, err, "doc-"+r.PathValue("id"), "docs.flash.removed")
}

// replaceDocument puts a new file in place of an upload; like an upload, it has its
// own body limit, and every refusal is shown beside the document on the case page.
func (s *Server) replaceDocument(w http.ResponseWriter, r *http.Request) {
	form := "doc-" + r.PathValue("id")
	f, hdr, ok := s.multipartFile(w, r, form)
	if !ok {
		return
	}
	defer f.Close()
	id, err := documentID(r)
	if err == nil {
		_, err = s.Cases.ReplaceDocument(r.Context(), caller(r), r.PathValue("code"), id, cases.AttachInput{
			Filename: hdr.Filename, Declared: hdr.Header.Get("Content-Type"), Body: f})
	}
	s.caseDone(w, r, err, form, "docs.flash.replaced")
}
