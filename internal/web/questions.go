package web

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/problem"
)

// deskRoutes registers the desk's pages: questions (SLA C-4.7), visits (C-4.8) and
// feedback (C-4.9). Without a desk they are left out.
func (s *Server) deskRoutes(mux *http.ServeMux) {
	if s.Desk == nil {
		return
	}
	mux.HandleFunc("GET /questions", s.signedIn(s.questionsPage))
	mux.HandleFunc("POST /questions", s.form(s.signedIn(s.askQuestion)))
	mux.HandleFunc("GET /questions/{id}", s.signedIn(s.questionPage))
	mux.HandleFunc("POST /questions/{id}/answers", s.form(s.signedIn(s.answerQuestion)))
	mux.HandleFunc("POST /cases/{code}/visits", s.form(s.signedIn(s.recordVisit)))
	mux.HandleFunc("POST /cases/{code}/feedback", s.form(s.signedIn(s.leaveFeedback)))
	mux.HandleFunc("GET /feedback", s.signedIn(s.feedbackPage))
}

// questionsPage shows staff the questions of a service they work, waiting ones first
// by deadline; applicants see their own questions and a form to ask.
func (s *Server) questionsPage(w http.ResponseWriter, r *http.Request) {
	pr := caller(r)
	services := s.staffServices(r.Context(), pr)
	svc := r.URL.Query().Get("service")
	if svc == "" {
		svc = s.questionService(r.Context(), pr, services) // one with a question waiting (issue 13)
	}
	title := "desk.questions.title"
	if svc != "" {
		title = "desk.questions.staff_title"
	}
	p := s.page(r, title)
	clearFlash(w, r)
	var list []desk.Question
	var err error
	if svc != "" {
		list, err = s.Desk.Questions(r.Context(), pr, desk.QuestionFilter{Service: svc, Status: r.URL.Query().Get("status")})
	} else {
		list, err = s.Desk.MyQuestions(r.Context(), pr, 100)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	data := map[string]any{"Questions": list, "Service": svc, "Services": services}
	if s.Services != nil && svc == "" {
		svcs, err := s.Services(r.Context())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		data["Catalog"] = svcs
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "questions", p)
}

// askQuestion records a question and goes back to the case it is about, or to the
// question.
func (s *Server) askQuestion(w http.ResponseWriter, r *http.Request) {
	code := r.PostFormValue("case")
	q, err := s.Desk.Ask(r.Context(), caller(r), desk.AskInput{Service: r.PostFormValue("service"), Case: code,
		Body: r.PostFormValue("body")})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "desk.flash.asked")
	if q.CaseCode != "" {
		http.Redirect(w, r, "/cases/"+q.CaseCode+"#questions", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/questions/"+strconv.FormatInt(q.ID, 10), http.StatusSeeOther)
}

func (s *Server) questionPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "desk.question.title")
	clearFlash(w, r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.Fail(w, r, problem.New(problem.NotFound, "desk.question.not_found"))
		return
	}
	q, err := s.Desk.Question(r.Context(), caller(r), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = map[string]any{"Question": q}
	s.render(w, r, http.StatusOK, "questions_one", p)
}

func (s *Server) answerQuestion(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.Fail(w, r, problem.New(problem.NotFound, "desk.question.not_found"))
		return
	}
	if _, err := s.Desk.Reply(r.Context(), caller(r), id, r.PostFormValue("body")); err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "desk.flash.answered")
	http.Redirect(w, r, "/questions/"+r.PathValue("id"), http.StatusSeeOther)
}
