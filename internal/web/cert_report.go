package web

import (
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/cert/report"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/problem"
)

func (s *Server) reportRoutes(mux *http.ServeMux) {
	if s.CertWork.Reports == nil {
		return
	}
	mux.HandleFunc("GET /cases/{code}/reports", s.signedIn(s.reportsPage))
	mux.HandleFunc("POST /cases/{code}/reports", s.form(s.signedIn(s.reportCreate)))
	mux.HandleFunc("GET /cases/{code}/reports/{id}", s.signedIn(s.reportPage))
	mux.HandleFunc("POST /cases/{code}/reports/{id}/{step}", s.form(s.signedIn(s.reportStep)))
	mux.HandleFunc("POST /cases/{code}/reports/{id}/attachments", s.signedIn(s.reportAttach))
	mux.HandleFunc("GET /cases/{code}/reports/{id}/attachments/{file}", s.signedIn(s.reportAttachment))
	mux.HandleFunc("GET /cases/{code}/reports/{id}/pdf", s.signedIn(s.reportPDF))
	mux.HandleFunc("GET /cases/{code}/reports/{id}/signed.json", s.signedIn(s.reportJSON))
	// The PDF printer holds no session: a short-lived token in the link opens the
	// delivered report's printable page (report.Service.PrintPath).
	mux.HandleFunc("GET /cert/reports/print/{id}", s.reportPrint)
}

func reportID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.showReports(w, r, s.page(r, ""), http.StatusOK)
}

func (s *Server) showReports(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	p.Title = p.T("report.title")
	v, err := s.CertWork.Reports.List(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if _, ok := p.Form["body"]; !ok && v.CanWrite {
		p.Form["body"] = "# خلاصه\n\n# جدول زمانی\n\n# یافته‌ها\n\n# اقدامات\n\n# توصیه‌ها\n"
	}
	p.Data = map[string]any{"Code": v.CaseCode, "View": v, "Tabs": s.certTabs(v.CaseCode, "reports")}
	s.render(w, r, status, "cert_report_list", p)
}

func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) {
	rep, err := s.CertWork.Reports.Create(r.Context(), caller(r), r.PathValue("code"),
		report.Draft{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")})
	if err != nil {
		s.refuse(w, r, err, func(p *Page, status int) { s.showReports(w, r, p, status) })
		return
	}
	flash(w, "report.flash.saved")
	http.Redirect(w, r, "/cases/"+rep.CaseCode+"/reports/"+strconv.FormatInt(rep.ID, 10), http.StatusSeeOther)
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	clearFlash(w, r)
	s.showReport(w, r, s.page(r, ""), http.StatusOK)
}

func (s *Server) showReport(w http.ResponseWriter, r *http.Request, p *Page, status int) {
	p.Title = p.T("report.title")
	pr := caller(r)
	rep, err := s.CertWork.Reports.Get(r.Context(), pr, r.PathValue("code"), reportID(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	writer := pr.IsStaff()
	data := map[string]any{"R": rep, "Code": rep.CaseCode, "Writer": writer, "Mine": rep.AuthorID == pr.ID,
		"HTML": template.HTML(report.HTML(rep.Body)), "Tabs": s.certTabs(rep.CaseCode, "reports")} // #nosec: sanitised Markdown
	if rep.RedactedBody != "" {
		data["RedactedHTML"] = template.HTML(report.HTML(rep.RedactedBody))
		data["Diff"] = report.Diff(rep.Body, rep.RedactedBody)
	}
	if _, ok := p.Form["title"]; !ok {
		p.Form["title"], p.Form["body"] = rep.Title, rep.Body
	}
	if _, ok := p.Form["redacted_body"]; !ok {
		p.Form["redacted_title"], p.Form["redacted_body"] = rep.RedactedTitle, rep.RedactedBody
		if rep.RedactedBody == "" {
			p.Form["redacted_title"], p.Form["redacted_body"] = rep.Title, rep.Body
		}
	}
	p.Data = data
	s.render(w, r, status, "cert_report", p)
}

func (s *Server) reportStep(w http.ResponseWriter, r *http.Request) {
	ctx, p, code, id, f := r.Context(), caller(r), r.PathValue("code"), reportID(r), r.PostFormValue
	svc := s.CertWork.Reports
	var err error
	key := "report.flash.saved"
	switch r.PathValue("step") {
	case "update":
		_, err = svc.Update(ctx, p, code, id, report.Draft{Title: f("title"), Body: f("body")})
	case "submit":
		_, err = svc.Submit(ctx, p, code, id)
	case "approve":
		_, err = svc.Review(ctx, p, code, id, true)
	case "return":
		_, err = svc.Review(ctx, p, code, id, false)
	case "deliver":
		_, err = svc.Deliver(ctx, p, code, id)
		key = "report.flash.delivered"
	case "redact":
		_, err = svc.Redact(ctx, p, code, id, report.Draft{Title: f("redacted_title"), Body: f("redacted_body")})
		if pe := problem.As(err); err != nil && pe.Field != "" {
			pe.Field = "redacted_" + pe.Field
		}
	default:
		s.NotFound(w, r)
		return
	}
	s.reportDone(w, r, err, key)
}

func (s *Server) reportDone(w http.ResponseWriter, r *http.Request, err error, key string) {
	if err != nil {
		s.refuse(w, r, err, func(p *Page, status int) { s.showReport(w, r, p, status) })
		return
	}
	flash(w, key)
	http.Redirect(w, r, "/cases/"+r.PathValue("code")+"/reports/"+r.PathValue("id"), http.StatusSeeOther)
}

// reportAttach takes one attachment from a multipart form, with the report's own
// size limit instead of the 64 KB of ordinary forms.
func (s *Server) reportAttach(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, report.MaxFileSize+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = &problem.Error{Code: problem.TooLarge, Key: "report.file.large", Field: "file", Args: []any{report.MaxFileSize >> 20}}
		} else {
			err = problem.Field("file", "report.file.empty")
		}
		s.reportDone(w, r, err, "")
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	if !httpauth.CheckCSRF(r) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.reportDone(w, r, problem.Field("file", "report.file.empty"), "")
		return
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, report.MaxFileSize+1))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	_, err = s.CertWork.Reports.Attach(r.Context(), caller(r), r.PathValue("code"), reportID(r),
		report.AttachInput{Name: hdr.Filename, Body: body})
	s.reportDone(w, r, err, "report.flash.saved")
}

func (s *Server) reportAttachment(w http.ResponseWriter, r *http.Request) {
	fid, _ := strconv.ParseInt(r.PathValue("file"), 10, 64)
	f, body, err := s.CertWork.Reports.Attachment(r.Context(), caller(r), r.PathValue("code"), reportID(r), fid)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	download(w, "application/octet-stream", f.Name, body)
}

// download sends body as an attachment, never rendered inline.
func download(w http.ResponseWriter, contentType, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	b, err := s.CertWork.Reports.PDF(r.Context(), caller(r), r.PathValue("code"), reportID(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	download(w, "application/pdf", "report-"+r.PathValue("code")+"-"+r.PathValue("id")+".pdf", b)
}

func (s *Server) reportJSON(w http.ResponseWriter, r *http.Request) {
	b, err := s.CertWork.Reports.SignedJSON(r.Context(), caller(r), r.PathValue("code"), reportID(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	download(w, "application/json", "report-"+r.PathValue("code")+"-"+r.PathValue("id")+".json", b)
}

// reportPrint is the printable delivered report, opened by the PDF printer with
// the token of its link; without a good token it is not found.
func (s *Server) reportPrint(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pl, err := s.CertWork.Reports.Printable(r.Context(), reportID(r), q.Get("exp"), q.Get("t"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "report.print.title")
	p.Data = map[string]any{"P": pl, "HTML": template.HTML(report.HTML(pl.Body))} // #nosec: sanitised Markdown
	w.Header().Set("X-Robots-Tag", "noindex")
	s.renderPrint(w, r, "cert_report_print", p)
}
