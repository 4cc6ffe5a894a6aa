package web

import (
	"encoding/json"
	"net/http"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/problem"
)

// criterionRow is one review criterion on the page: its published name and, while
// the expert fills the checklist in again, what they had entered.
type criterionRow struct {
	ID     string
	Name   catalog.Text
	Result string
	Note   string
}

// reviewView is a stored review with the criteria's names, for display.
type reviewView struct {
	application.Review
	Rows []criterionRow
}

func (s *Server) certifyCasePage(w http.ResponseWriter, r *http.Request) {
	s.renderCertifyCase(w, r, http.StatusOK, s.page(r, "certify.app.title"), nil)
}

// renderCertifyCase shows an application's product, its reviews (to the applicant
// only the failures, which say what to fix; to staff all of them) and, to the
// expert whose step it is, the checklist of the catalog's criteria (SLA C-4.3).
func (s *Server) renderCertifyCase(w http.ResponseWriter, r *http.Request, status int, p *Page, entered application.Checklist) {
	ctx, code, pr := r.Context(), r.PathValue("code"), caller(r)
	v, err := s.Cases.Get(ctx, pr, code)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.ServiceDef.Module != "certify" || v.Kind != application.Kind {
		s.Fail(w, r, problem.New(problem.NotFound, "error.not_found"))
		return
	}
	var form application.Form
	_ = json.Unmarshal(v.Form, &form)
	reviews, err := s.Applications.CaseReviews(ctx, v.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	staff := pr.IsStaff()
	names := map[string]catalog.Text{}
	for _, it := range application.Criteria(v.ServiceDef) {
		names[it.ID] = it.Name
	}
	var shown []reviewView
	for _, rv := range reviews {
		if !staff && rv.Passed() {
			continue
		}
		list := rv.Checklist
		if !staff {
			list = list.Failed()
		}
		view := reviewView{Review: rv}
		for _, c := range list {
			view.Rows = append(view.Rows, criterionRow{ID: c.ID, Name: names[c.ID], Result: c.Result, Note: c.Note})
		}
		shown = append(shown, view)
	}
	canReview := false
	for _, t := range v.Next {
		if t.ID == application.TransitionPass || t.ID == application.TransitionFail {
			canReview = true
		}
	}
	byID := map[string]application.Criterion{}
	for _, c := range entered {
		byID[c.ID] = c
	}
	var checklist []criterionRow
	for _, it := range application.Criteria(v.ServiceDef) {
		checklist = append(checklist, criterionRow{ID: it.ID, Name: it.Name, Result: byID[it.ID].Result, Note: byID[it.ID].Note})
	}
	number := ""
	if v.State == "issued" && s.Registry != nil {
		if number, err = s.Applications.CertificateNumber(ctx, v.TrackingCode); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	category := form.Category
	for _, c := range v.ServiceDef.ModuleConfig.Lists["categories"] {
		if c.ID == form.Category {
			category = c.Name.In(string(p.Lang))
		}
	}
	p.Data = map[string]any{"Case": v, "Form": form, "Category": category, "Reviews": shown, "Staff": staff,
		"CanReview": canReview, "Checklist": checklist, "Number": number}
	s.render(w, r, status, "certify_case", p)
}

// certifyReview takes the expert's review step with its checklist: pass_review
// needs every criterion passed; fail_criteria returns the case to the applicant with
// the failed criteria and their notes (the clock pauses).
func (s *Server) certifyReview(w http.ResponseWriter, r *http.Request) {
	v, err := s.Cases.Get(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	// "Pass all" (issue 13) passes every criterion, keeping the notes written.
	passAll := r.PostFormValue("pass_all") == "1"
	var list application.Checklist
	for _, it := range application.Criteria(v.ServiceDef) {
		result := r.PostFormValue("result_" + it.ID)
		if passAll {
			result = application.Pass
		}
		list = append(list, application.Criterion{ID: it.ID, Result: result, Note: r.PostFormValue("note_" + it.ID)})
	}
	raw, _ := json.Marshal(list)
	in := cases.TransitionInput{Transition: r.PostFormValue("transition"), Reason: r.PostFormValue("reason"),
		Checklist: raw, Decision: cases.DecisionApprove}
	if passAll {
		in.Transition = application.TransitionPass
	}
	if in.Transition == application.TransitionFail {
		in.Decision = cases.DecisionReject
	} else if in.Transition != application.TransitionPass {
		s.Fail(w, r, problem.Field("transition", "cases.transition.unknown", in.Transition))
		return
	}
	_, err = s.Cases.Transition(r.Context(), caller(r), r.PathValue("code"), in)
	if pe := problem.As(err); err != nil && pe.Code == problem.Invalid {
		p := s.page(r, "certify.app.title")
		p.Error = p.T(pe.Key, pe.Args...)
		p.Form["reason"] = in.Reason
		s.renderCertifyCase(w, r, http.StatusUnprocessableEntity, p, list)
		return
	}
	s.failOrBack(w, r, err, "certify.flash.reviewed")
}
