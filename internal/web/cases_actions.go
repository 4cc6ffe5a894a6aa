package web

import (
	"net/http"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/problem"
)

func (s *Server) takeTransition(w http.ResponseWriter, r *http.Request) {
	before, err := s.Cases.Get(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	c, err := s.Cases.Transition(r.Context(), caller(r), r.PathValue("code"), cases.TransitionInput{
		Transition: r.PostFormValue("transition"), Reason: r.PostFormValue("reason"), Decision: r.PostFormValue("decision")})
	if err == nil && before.SubmittedAt.IsZero() && !c.SubmittedAt.IsZero() {
		// Just handed in: the case page opens with the receipt (issue 13).
		flash(w, "ux2.flash.submitted")
		http.Redirect(w, r, "/cases/"+c.TrackingCode+"?receipt=1#receipt", http.StatusSeeOther)
		return
	}
	s.caseDone(w, r, err, "step-"+r.PostFormValue("transition"), "cases.flash.moved")
}

func (s *Server) returnIncomplete(w http.ResponseWriter, r *http.Request) {
	in := cases.ReturnInput{Reason: r.PostFormValue("reason")}
	for _, item := range r.PostForm["item"] {
		in.Items = append(in.Items, cases.Deficiency{Item: item, Note: r.PostFormValue("note_" + item)})
	}
	if other := r.PostFormValue("other"); other != "" {
		in.Items = append(in.Items, cases.Deficiency{Item: "form", Note: other})
	}
	_, err := s.Cases.ReturnIncomplete(r.Context(), caller(r), r.PathValue("code"), in)
	s.caseDone(w, r, err, "return", "cases.flash.returned")
}

func (s *Server) resubmit(w http.ResponseWriter, r *http.Request) {
	_, err := s.Cases.Resubmit(r.Context(), caller(r), r.PathValue("code"))
	s.caseDone(w, r, err, "step-resubmit", "cases.flash.moved")
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	add := s.Cases.AddMessage
	if r.PostFormValue("internal") == "1" {
		add = s.Cases.AddInternalNote
	}
	_, err := add(r.Context(), caller(r), r.PathValue("code"), r.PostFormValue("body"))
	s.caseDone(w, r, err, "message", "cases.flash.message")
}

func (s *Server) claim(w http.ResponseWriter, r *http.Request) {
	err := s.Cases.Claim(r.Context(), caller(r), r.PathValue("code"))
	s.caseDone(w, r, err, "claim", "cases.flash.claimed")
}

// queuePage shows a service's queue: by default a service with cases waiting
// (issue 13); ?q= searches code, applicant and subject, ?show=mine|unassigned and
// ?state= filter.
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cases.queue.title")
	clearFlash(w, r)
	pr := caller(r)
	query := r.URL.Query()
	services := s.staffServices(r.Context(), pr)
	svc := query.Get("service")
	if svc == "" {
		svc = s.busiestService(r.Context(), pr, services)
	}
	f := cases.QueueFilter{Service: svc, Search: query.Get("q"), State: query.Get("state")}
	show := query.Get("show")
	if query.Get("unassigned") == "1" {
		show = "unassigned"
	}
	switch show {
	case "mine":
		f.Assignee = pr.ID
	case "unassigned":
		f.Unassigned = true
	default:
		show = ""
	}
	items, err := s.Cases.Queue(r.Context(), pr, f)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	left := make([]string, len(items))
	for i, it := range items {
		if it.Urgency != "" {
			left[i] = leftWords(p.Lang, it.DueIn)
		}
	}
	p.Data = map[string]any{"Service": svc, "Services": services, "Items": items, "Left": left,
		"Query": f.Search, "Show": show, "State": f.State, "States": s.serviceStates(r.Context(), svc),
		"Severity": s.queueSeverities(r, p, svc, items)} // the CERT's queue shows severity (issue 13)
	s.render(w, r, http.StatusOK, "queue", p)
}

func (s *Server) trackPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cases.track.title")
	code := r.URL.Query().Get("code")
	data := map[string]any{"Code": code}
	if code != "" {
		t, err := s.Cases.Track(r.Context(), code)
		if pe := problem.As(err); err != nil && pe.Code != problem.Invalid && pe.Code != problem.NotFound {
			s.Fail(w, r, err)
			return
		} else if err != nil {
			p.Error = p.T(pe.Key, pe.Args...)
		} else {
			data["Track"], data["Clock"] = t, clockWords(p.Lang, t.Clock)
		}
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "track", p)
}
