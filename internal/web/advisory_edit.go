package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/problem"
)

// advisoryEditRoutes is the CERT editors' desk: draft, submit for review, publish
// or return (four eyes), revise, attach hardening-guide packages (SLA M-4.1).
func (s *Server) advisoryEditRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cert/advisories", s.signedIn(s.advisoryDesk))
	mux.HandleFunc("GET /cert/advisories/new", s.signedIn(s.advisoryNew))
	mux.HandleFunc("POST /cert/advisories/new", s.form(s.signedIn(s.advisorySave)))
	mux.HandleFunc("GET /cert/advisories/{id}", s.signedIn(s.advisoryWork))
	mux.HandleFunc("POST /cert/advisories/{id}", s.form(s.signedIn(s.advisorySave)))
	mux.HandleFunc("POST /cert/advisories/{id}/submit", s.form(s.signedIn(s.advisoryStep)))
	mux.HandleFunc("POST /cert/advisories/{id}/publish", s.form(s.signedIn(s.advisoryStep)))
	mux.HandleFunc("POST /cert/advisories/{id}/return", s.form(s.signedIn(s.advisoryStep)))
	mux.HandleFunc("POST /cert/advisories/{id}/files", s.signedIn(s.advisoryAttach))
}

// advisoryFields are the form's fields, in the order the domain checks them.
var advisoryFields = []string{"tlp", "severity", "title_fa", "title_en", "summary_fa", "summary_en", "products", "cves",
	"cvss", "remediation_fa", "remediation_en", "references", "change_note"}

// advisoryWorkData is the editors' page of one advisory (or of a new one).
type advisoryWorkData struct {
	Work       *advisory.Work
	Labels     []tlp.Level
	Severities []advisory.Severity
	Fields     []advisoryField
}

// advisoryField is a text field of the form: a textarea or not, left-to-right or not.
type advisoryField struct {
	Name          string
	Textarea, LTR bool
}

// advisoryTextFields are the form's text fields in order; change_note shows only
// for a revision of a published advisory.
var advisoryTextFields = []advisoryField{{"title_fa", false, false}, {"title_en", false, true}, {"summary_fa", true, false},
	{"summary_en", true, true}, {"products", true, true}, {"cves", false, true}, {"cvss", false, true},
	{"remediation_fa", true, false}, {"remediation_en", true, true}, {"references", true, true}, {"change_note", false, false}}

func workData(wk *advisory.Work) advisoryWorkData {
	return advisoryWorkData{Work: wk, Labels: advisory.Labels(), Severities: advisory.Severities(), Fields: advisoryTextFields}
}

func (s *Server) advisoryDesk(w http.ResponseWriter, r *http.Request) {
	items, err := s.Advisories.Desk(r.Context(), httpauth.FromContext(r.Context()).Principal)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "advisory.desk.title")
	clearFlash(w, r)
	p.Data = items
	s.render(w, r, http.StatusOK, "advisory_desk", p)
}

func (s *Server) advisoryNew(w http.ResponseWriter, r *http.Request) {
	if !advisory.IsEditor(httpauth.FromContext(r.Context()).Principal) {
		s.Fail(w, r, problem.New(problem.Forbidden, "advisory.forbidden"))
		return
	}
	p := s.page(r, "advisory.new.title")
	p.Form["tlp"], p.Form["severity"] = tlp.Clear.String(), string(advisory.Medium)
	p.Data = workData(nil)
	s.render(w, r, http.StatusOK, "advisory_edit", p)
}

// fillForm shows content c in the form fields.
func fillForm(p *Page, c *advisory.Content) {
	if c == nil {
		return
	}
	p.Form["tlp"], p.Form["severity"] = c.TLP.String(), string(c.Severity)
	p.Form["title_fa"], p.Form["title_en"] = c.TitleFa, c.TitleEn
	p.Form["summary_fa"], p.Form["summary_en"] = c.SummaryFa, c.SummaryEn
	p.Form["products"], p.Form["cves"], p.Form["cvss"] = advisory.ProductsText(c.Products), strings.Join(c.CVEs, " "), c.CVSS
	p.Form["remediation_fa"], p.Form["remediation_en"] = c.RemediationFa, c.RemediationEn
	p.Form["references"] = strings.Join(c.References, "\n")
}

func advisoryPathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// advisoryWork is one advisory on the editors' desk; formErr, when set, is shown
// on the form with what was typed.
func (s *Server) advisoryWork(w http.ResponseWriter, r *http.Request) {
	s.renderWork(w, r, http.StatusOK, nil)
}

func (s *Server) renderWork(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	id, ok := advisoryPathID(r)
	if !ok {
		s.NotFound(w, r)
		return
	}
	wk, err := s.Advisories.Work(r.Context(), httpauth.FromContext(r.Context()).Principal, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "advisory.work.title")
	clearFlash(w, r)
	p.Data = workData(wk)
	if wk.Draft != nil {
		fillForm(p, wk.Draft)
		p.Form["change_note"] = wk.DraftNote
	} else if wk.Published != nil {
		fillForm(p, &wk.Published.Content)
	}
	if formErr == nil {
		s.render(w, r, status, "advisory_edit", p)
		return
	}
	for _, k := range append(advisoryFields, "reason") {
		if v, ok := r.PostForm[k]; ok {
			p.Form[k] = strings.Join(v, "")
		}
	}
	s.formProblem(w, r, p, "advisory_edit", formErr)
}

// inputFromForm reads the form into the domain's input; the domain validates it.
func inputFromForm(r *http.Request) advisory.Input {
	label, _ := tlp.Parse(r.PostFormValue("tlp")) // an unknown label stays 0 and is refused on its field
	return advisory.Input{ChangeNote: r.PostFormValue("change_note"), Content: advisory.Content{
		TLP: label, Severity: advisory.Severity(r.PostFormValue("severity")),
		TitleFa: r.PostFormValue("title_fa"), TitleEn: r.PostFormValue("title_en"),
		SummaryFa: r.PostFormValue("summary_fa"), SummaryEn: r.PostFormValue("summary_en"),
		Products: advisory.ProductsFromText(r.PostFormValue("products")), CVEs: advisory.ListFromText(r.PostFormValue("cves")),
		CVSS: r.PostFormValue("cvss"), RemediationFa: r.PostFormValue("remediation_fa"), RemediationEn: r.PostFormValue("remediation_en"),
		References: advisory.ListFromText(r.PostFormValue("references"))}}
}

func (s *Server) advisorySave(w http.ResponseWriter, r *http.Request) {
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = advisoryPathID(r); !ok {
			s.NotFound(w, r)
			return
		}
	}
	id, err := s.Advisories.Save(r.Context(), httpauth.FromContext(r.Context()).Principal, id, inputFromForm(r))
	if err != nil {
		if r.PathValue("id") != "" {
			s.renderWork(w, r, 0, err)
			return
		}
		p := s.page(r, "advisory.new.title")
		for _, k := range advisoryFields {
			p.Form[k] = r.PostFormValue(k)
		}
		p.Data = workData(nil)
		s.formProblem(w, r, p, "advisory_edit", err)
		return
	}
	flash(w, "advisory.saved")
	http.Redirect(w, r, "/cert/advisories/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// advisoryStep submits, publishes or returns an advisory, by the last part of the path.
func (s *Server) advisoryStep(w http.ResponseWriter, r *http.Request) {
	id, ok := advisoryPathID(r)
	if !ok {
		s.NotFound(w, r)
		return
	}
	pr := httpauth.FromContext(r.Context()).Principal
	var err error
	key := ""
	switch {
	case strings.HasSuffix(r.URL.Path, "/submit"):
		err, key = s.Advisories.Submit(r.Context(), pr, id), "advisory.submitted"
	case strings.HasSuffix(r.URL.Path, "/publish"):
		_, err = s.Advisories.Publish(r.Context(), pr, id)
		key = "advisory.published"
	default:
		err, key = s.Advisories.Return(r.Context(), pr, id, r.PostFormValue("reason")), "advisory.returned"
	}
	if err != nil {
		s.renderWork(w, r, 0, err)
		return
	}
	flash(w, key)
	http.Redirect(w, r, "/cert/advisories/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// advisoryAttach uploads a hardening-guide package; a refused file is shown on the
// page's upload form.
func (s *Server) advisoryAttach(w http.ResponseWriter, r *http.Request) {
	id, ok := advisoryPathID(r)
	if !ok {
		s.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 51<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.renderWork(w, r, 0, &problem.Error{Code: problem.Invalid, Key: "advisory.file.required", Field: "file", Err: err})
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	if !httpauth.CheckCSRF(r) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderWork(w, r, 0, problem.Field("file", "advisory.file.required"))
		return
	}
	defer f.Close()
	if _, err := s.Advisories.Attach(r.Context(), httpauth.FromContext(r.Context()).Principal, id, hdr.Filename, f); err != nil {
		s.renderWork(w, r, 0, err)
		return
	}
	flash(w, "advisory.attached")
	http.Redirect(w, r, "/cert/advisories/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
