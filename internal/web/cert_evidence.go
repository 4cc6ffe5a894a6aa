package web

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// evidenceRoutes serves adding evidence to an incident and its download.
func (s *Server) evidenceRoutes(mux *http.ServeMux) {
	if s.Evidence == nil {
		return
	}
	mux.HandleFunc("POST /cases/{code}/incident/evidence", s.signedIn(s.incidentEvidence))
	mux.HandleFunc("GET /cases/{code}/incident/evidence/{id}", s.signedIn(s.evidenceDownload))
}

// evidenceUpload is one file of a multipart form.
type evidenceUpload struct {
	header *multipart.FileHeader
}

// addEvidence stores one uploaded file on incident code.
func (s *Server) addEvidence(r *http.Request, code string, f *evidenceUpload, label string) error {
	body, err := f.header.Open()
	if err != nil {
		return fmt.Errorf("web: evidence %s: %w", code, err)
	}
	defer body.Close()
	_, err = s.Evidence.Add(r.Context(), caller(r), code, evidence.AddInput{Filename: f.header.Filename, TLP: label,
		Description: r.PostFormValue("evidence_description"), Body: body})
	return err
}

// incidentEvidence adds files to an incident from its page; a refusal (too large,
// the incident's room used up, a bad label) is shown beside the upload field.
func (s *Server) incidentEvidence(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	iv, err := s.Incidents.Incident(r.Context(), caller(r), code)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	limits, err := evidence.LimitsOf(iv.Case.ServiceDef)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "cert.incident.title")
	r.Body = http.MaxBytesReader(w, r.Body, limits.File+(1<<20))
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			p.Errors["evidence"] = p.T("cert.evidence.too_large", evidence.SizeText(limits.File))
			s.renderIncident(w, r, http.StatusRequestEntityTooLarge, p)
			return
		}
		p.Errors["evidence"] = p.T("cert.evidence.missing")
		s.renderIncident(w, r, http.StatusBadRequest, p)
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	if !httpauth.CheckCSRF(r) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
		return
	}
	if err := checkFormText(r); err != nil {
		s.incidentProblem(w, r, p, err, "evidence")
		return
	}
	files := r.MultipartForm.File["evidence"]
	if len(files) == 0 {
		p.Errors["evidence"] = p.T("cert.evidence.missing")
		s.renderIncident(w, r, http.StatusBadRequest, p)
		return
	}
	for _, fh := range files {
		if err := s.addEvidence(r, code, &evidenceUpload{header: fh}, r.PostFormValue("evidence_tlp")); err != nil {
			s.incidentProblem(w, r, p, err, "evidence")
			return
		}
	}
	flash(w, "cert.evidence.added")
	http.Redirect(w, r, "/cases/"+code+"/incident#cert-evidence", http.StatusSeeOther)
}

// evidenceDownload hands a file to the assigned staff member, as an attachment
// of a neutral type so that no browser renders or sniffs it.
func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	f, body, err := s.Evidence.Open(r.Context(), caller(r), r.PathValue("code"), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	defer body.Close()
	documents.ServeDownload(w, f.Filename, "application/octet-stream", f.Size, body)
}

// sizeLabel writes a size for a person, in the page's digits.
func sizeLabel(p *Page, n int64) string {
	var s string
	switch {
	case n >= 1<<20:
		s = fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		s = fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	default:
		s = fmt.Sprintf("%d B", n)
	}
	if p.Lang == i18n.Fa {
		return persian.PersianDigits(s)
	}
	return s
}
