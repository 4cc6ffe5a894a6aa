package web

import (
	"github.com/itoir/miz/internal/catalog"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/problem"
)

// complaintPage shows a complaint as the caller may see it: the committee's review
// page (findings, requests for information, votes, decision) for members who are not
// excluded; a notice of exclusion for members who acted on the case; the decision and
// the requests addressed to them for the applicant.
func (s *Server) complaintPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "complaints.complaint.title")
	clearFlash(w, r)
	id, err := idOf(r, "id")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v, err := s.desk().Get(r.Context(), caller(r), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	pr := caller(r)
	p.Data = map[string]any{"C": v, "Committee": v.Access == complaints.AccessCommittee,
		"Applicant": v.Access == complaints.AccessApplicant, "Announced": v.State == complaints.StateAnnounced,
		"Supervisor":  pr.HasRole(v.Service, "supervisor"),
		"Outcomes":    []string{complaints.OutcomeUpheld, complaints.OutcomePartlyUpheld, complaints.OutcomeRejected},
		"RemedyKinds": []string{complaints.RemedyReopen, complaints.RemedyReassign, complaints.RemedyRedoStep, complaints.RemedyApology}}
	if v.CaseCode != "" && pr.HasRole(v.Service, "supervisor") {
		// A reopen remedy names the organization-held state the case returns to.
		if c, err := s.Cases.Get(r.Context(), pr, v.CaseCode); err == nil && c.KindDef != nil {
			var states []catalog.State
			for _, st := range c.KindDef.Process.States {
				if st.Holder == catalog.HolderOrganization && !st.Terminal {
					states = append(states, st)
				}
			}
			p.Data.(map[string]any)["ReopenStates"] = states
		}
	}
	s.render(w, r, http.StatusOK, "complaint", p)
}

// complaintAction runs one form of the complaint page and returns to it.
func (s *Server) complaintAction(w http.ResponseWriter, r *http.Request) {
	id, err := idOf(r, "id")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d, pr, ctx, body := s.desk(), caller(r), r.Context(), r.PostFormValue("body")
	switch r.PathValue("action") {
	case "findings":
		err = d.AddFinding(ctx, pr, id, body)
	case "information":
		err = d.RequestInformation(ctx, pr, id, r.PostFormValue("party"), body)
	case "answers":
		err = d.AnswerInformation(ctx, pr, id, body)
	case "votes":
		err = d.CastVote(ctx, pr, id, r.PostFormValue("outcome"), r.PostFormValue("note"))
	case "decision":
		in := complaints.DecisionInput{Outcome: r.PostFormValue("outcome"), Reasons: r.PostFormValue("reasons")}
		for _, k := range r.PostForm["remedy"] {
			in.Remedies = append(in.Remedies, complaints.RemedyInput{Kind: k, Detail: r.PostFormValue("detail_" + k)})
		}
		_, err = d.Decide(ctx, pr, id, in)
	case "corrections":
		err = d.Correct(ctx, pr, id, body)
	case "acknowledge":
		err = d.Acknowledge(ctx, pr, id)
	default:
		err = problem.New(problem.NotFound, "error.not_found")
	}
	s.backToComplaint(w, r, err)
}

func (s *Server) completeRemedy(w http.ResponseWriter, r *http.Request) {
	id, err := idOf(r, "id")
	var rid int64
	if err == nil {
		rid, err = idOf(r, "remedy")
	}
	if err == nil {
		assignee, _ := strconv.ParseInt(r.PostFormValue("assignee"), 10, 64)
		err = s.desk().CompleteRemedy(r.Context(), caller(r), id, rid, complaints.RemedyDone{Assignee: assignee,
			State: r.PostFormValue("state"), Note: r.PostFormValue("note")})
	}
	s.backToComplaint(w, r, err)
}

func (s *Server) backToComplaint(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "complaints.flash.saved")
	http.Redirect(w, r, "/complaints/"+r.PathValue("id"), http.StatusSeeOther)
}
