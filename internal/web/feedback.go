package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
)

// deskPanels adds the desk's parts of the case page to its data: visits used of the
// published maximum (C-4.8), the questions about the case (C-4.7) and the feedback
// form once the case is closed (C-4.9). A part that cannot be read is left out
// rather than failing the page.
func (s *Server) deskPanels(ctx context.Context, p *identity.Principal, v *cases.View, data map[string]any) {
	if s.Desk == nil {
		return
	}
	code := v.TrackingCode
	if vs, err := s.Desk.CaseVisits(ctx, p, code); err == nil {
		data["Visits"] = vs
	}
	if qs, err := s.Desk.CaseQuestions(ctx, p, code); err == nil {
		data["Questions"] = qs
	}
	owner := authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Case, Service: v.Service,
		OwnerPersonID: v.ApplicantPersonID, OwnerOrgID: v.ApplicantOrgID, OwnerAccountID: v.ApplicantAccountID})
	data["CanAsk"] = owner
	data["CanRecordVisit"] = authz.Decide(p, authz.Act, authz.Resource{Kind: authz.Queue, Service: v.Service})
	data["Supervisor"] = p.HasRole(v.Service, identity.Supervisor)
	if v.ClosedAt.IsZero() {
		return
	}
	f, err := s.Desk.CaseFeedback(ctx, p, code)
	switch {
	case err == nil:
		data["Feedback"] = f
	case problem.As(err).Code == problem.NotFound:
		data["CanRate"], data["Ratings"] = owner, []int{5, 4, 3, 2, 1}
		data["FeedbackFields"] = []feedbackField{{"service-rating", "service_rating", "desk.feedback.service"},
			{"courtesy-rating", "courtesy_rating", "desk.feedback.courtesy"}}
	}
}

// leaveFeedback records the applicant's rating of a closed case (C-4.9).
func (s *Server) leaveFeedback(w http.ResponseWriter, r *http.Request) {
	bad := map[string]string{}
	rating := func(name string) int {
		n, err := strconv.Atoi(r.PostFormValue(name))
		if err != nil {
			bad[name] = "ux2.feedback.choose" // no score is chosen for the person (issue 13)
			return 0
		}
		return n
	}
	in := desk.FeedbackInput{ServiceRating: rating("service_rating"), CourtesyRating: rating("courtesy_rating"), Comment: r.PostFormValue("comment")}
	if len(bad) > 0 {
		s.caseInvalid(w, r, "feedback", bad)
		return
	}
	_, err := s.Desk.LeaveFeedback(r.Context(), caller(r), r.PathValue("code"), in)
	s.caseDone(w, r, err, "feedback", "desk.flash.feedback")
}

// feedbackPage shows a service's supervisors the feedback per staff member and the
// latest comments (C-4.9); ?from= and ?to= bound the period (YYYY-MM-DD, Tehran).
func (s *Server) feedbackPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "desk.feedback.summary_title")
	clearFlash(w, r)
	day := func(name string) (time.Time, bool) {
		v := r.URL.Query().Get(name)
		if v == "" {
			return time.Time{}, true
		}
		t, err := time.ParseInLocation(time.DateOnly, v, jalali.Tehran())
		return t, err == nil
	}
	from, ok1 := day("from")
	to, ok2 := day("to")
	if !ok1 || !ok2 {
		s.Fail(w, r, problem.Field("from", "desk.feedback.period"))
		return
	}
	sum, err := s.Desk.Summary(r.Context(), caller(r), r.URL.Query().Get("service"), from, to)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = sum
	s.render(w, r, http.StatusOK, "feedback_summary", p)
}

// feedbackField is one score of the feedback form: no score is chosen beforehand.
type feedbackField struct{ ID, Name, Label string }
