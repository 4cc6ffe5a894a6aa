package web

import (
	"encoding/json"
	"net/http"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// certifyRoutes registers the CERTIFY application pages: the application form, the
// application's page (product, review checklist, certificate) and the review.
func (s *Server) certifyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /certify/apply", s.signedIn(s.certifyApplyForm))
	mux.HandleFunc("POST /certify/apply", s.form(s.signedIn(s.certifyApply)))
	mux.HandleFunc("GET /cases/{code}/certify", s.signedIn(s.certifyCasePage))
	mux.HandleFunc("POST /cases/{code}/certify/review", s.form(s.signedIn(s.certifyReview)))
}

// applyFields are the application form's fields, in the order the form shows them.
func applyFields() []string {
	return []string{"product_name_fa", "product_name_en", "version", "category", "platform", "deployment",
		"contact_name", "contact_phone", "contact_email", "previous_certificate"}
}

// certifyService finds the published service whose module is CERTIFY's.
func (s *Server) certifyService(r *http.Request) (*catalog.Service, error) {
	if s.Services != nil {
		svcs, err := s.Services(r.Context())
		if err != nil {
			return nil, err
		}
		for _, svc := range svcs {
			if svc.Module == "certify" {
				return svc, nil
			}
		}
	}
	return nil, problem.New(problem.NotFound, "error.not_found")
}

func (s *Server) certifyApplyForm(w http.ResponseWriter, r *http.Request) {
	s.renderApply(w, r, http.StatusOK, s.page(r, "certify.apply.title"))
}

func (s *Server) renderApply(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	svc, err := s.certifyService(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	type option struct{ ID, Label string }
	var cats, deps []option
	for _, c := range svc.ModuleConfig.Lists["categories"] {
		cats = append(cats, option{c.ID, c.Name.In(string(p.Lang))})
	}
	for _, d := range application.Deployments() {
		deps = append(deps, option{d, p.T("certify.deployment." + d)})
	}
	p.Data = map[string]any{"Service": svc, "Categories": cats, "Deployments": deps}
	s.render(w, r, status, "certify_apply", p)
}

// certifyApply opens a draft application with the form; a field error re-shows the
// form, filled in, with the message beside the field.
func (s *Server) certifyApply(w http.ResponseWriter, r *http.Request) {
	svc, err := s.certifyService(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	values := map[string]string{}
	for _, f := range applyFields() {
		if v := r.PostFormValue(f); v != "" {
			values[f] = v
		}
	}
	form, _ := json.Marshal(values)
	c, err := s.Cases.Open(r.Context(), caller(r), cases.OpenInput{Service: svc.ID, Kind: application.Kind, Form: form})
	if pe := problem.As(err); err != nil && pe.Code == problem.Invalid {
		s.applyProblems(w, r, svc, form, pe)
		return
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "cases.flash.opened")
	http.Redirect(w, r, "/cases/"+c.TrackingCode, http.StatusSeeOther)
}

// applyProblems re-shows the application form, filled in, with every field's
// problem beside its field at once (issue 13 item 3), and the refusal's status.
// refused is the engine's refusal: it may name a field the form alone cannot check
// (an unknown previous certificate).
func (s *Server) applyProblems(w http.ResponseWriter, r *http.Request, svc *catalog.Service, form json.RawMessage, refused *problem.Error) {
	p := s.page(r, "certify.apply.title")
	probs := append(application.FormProblems(svc, form), refused)
	for _, pe := range probs {
		msg := i18n.T(p.Lang, pe.Key, pe.Args...)
		switch {
		case pe.Field == "" || pe.Field == "form":
			if p.Error == "" {
				p.Error = msg
			}
		case p.Errors[pe.Field] == "":
			p.Errors[pe.Field] = msg
		}
	}
	for _, f := range applyFields() {
		p.Form[f] = r.PostFormValue(f)
	}
	s.renderApply(w, r, problem.Status(refused.Code), p)
}
