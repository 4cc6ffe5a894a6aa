package web

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/problem"
)

// Errors in place (issue 13 item 3): a refusal of something a person sent from the
// case page — a missing or wrong file, a file too large, a step taken at the wrong
// time — re-renders the case page with the message on the form that sent it and
// the status of the refusal, instead of an error page that leaves the case.

// inPlace reports whether a refusal is about what was sent, so the case page can
// show it on the form; permission and availability problems keep the error page.
func inPlace(c problem.Code) bool {
	switch c {
	case problem.Invalid, problem.TooLarge, problem.Unsupported, problem.Conflict:
		return true
	}
	return false
}

// caseDone returns to the case page with a one-shot message, or shows err on the
// form named form.
func (s *Server) caseDone(w http.ResponseWriter, r *http.Request, err error, form, flashKey string) {
	if err != nil {
		s.caseFail(w, r, err, form)
		return
	}
	back(w, r, flashKey)
}

// caseFail shows err on the case page beside form (Errors[form]; the field at fault,
// if any, in Errors[form+".field"]) with err's status, or the error page when the
// refusal is not about the form.
func (s *Server) caseFail(w http.ResponseWriter, r *http.Request, err error, form string) {
	pe := problem.As(err)
	if !inPlace(pe.Code) {
		s.Fail(w, r, err)
		return
	}
	pg := s.page(r, "cases.case.title")
	pg.Flash = ""
	pg.Errors[form] = pg.T(pe.Key, pe.Args...)
	if pe.Field != "" {
		pg.Errors[form+".field"] = pe.Field
		pg.Errors[form+"."+pe.Field] = pg.Errors[form]
	}
	refill(r, pg)
	s.renderCase(w, r, problem.Status(pe.Code), pg, err)
}

// caseInvalid shows every field's problem on the case form form at once (issue 13:
// all fields' problems together), fields mapping each field to its message key,
// with status 400; nothing was sent to the domain.
func (s *Server) caseInvalid(w http.ResponseWriter, r *http.Request, form string, fields map[string]string) {
	pg := s.page(r, "cases.case.title")
	pg.Flash = ""
	pg.Errors[form] = pg.T("ux2.form.fix")
	for f, key := range fields {
		pg.Errors[form+"."+f] = pg.T(key)
	}
	refill(r, pg)
	s.renderCase(w, r, http.StatusBadRequest, pg, problem.New(problem.Invalid, "ux2.form.fix"))
}

// refill keeps what a person typed in a refused form, to show it again.
func refill(r *http.Request, pg *Page) {
	for k, v := range r.PostForm {
		if k != "csrf" && len(v) > 0 {
			pg.Form[k] = v[0]
		}
	}
	if v := r.FormValue("type"); v != "" {
		pg.Form["type"] = v
	}
}

// multipartFile reads the file of an upload form under the upload body limit, then
// checks CSRF and the text fields; every refusal but a bad CSRF token is shown on
// the case page beside form, an oversize body as 413 on the same page.
func (s *Server) multipartFile(w http.ResponseWriter, r *http.Request, form string) (multipart.File, *multipart.FileHeader, bool) {
	limit := s.maxUpload(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			// The limit is the largest document plus 1 MB of form; the person is told the former.
			err = &problem.Error{Code: problem.TooLarge, Key: "cases.upload.too_large", Field: "file",
				Args: []any{"", strconv.FormatInt(max(limit-1, 1<<20)>>20, 10) + " MB"}, Err: err}
		} else {
			err = &problem.Error{Code: problem.Invalid, Key: "docs.upload.choose_file", Field: "file", Err: err}
		}
		s.caseFail(w, r, err, form)
		return nil, nil, false
	}
	ok := false
	defer func() {
		if !ok {
			_ = r.MultipartForm.RemoveAll()
		}
	}()
	if !httpauth.CheckCSRF(r) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
		return nil, nil, false
	}
	if err := checkFormText(r); err != nil {
		s.caseFail(w, r, err, form)
		return nil, nil, false
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.caseFail(w, r, problem.Field("file", "docs.upload.choose_file"), form)
		return nil, nil, false
	}
	ok = true
	return &removeOnClose{File: f, form: r.MultipartForm}, hdr, true
}

// removeOnClose deletes a multipart form's temporary files with its file.
type removeOnClose struct {
	multipart.File
	form *multipart.Form
}

func (f *removeOnClose) Close() error {
	err := f.File.Close()
	_ = f.form.RemoveAll()
	return err
}
