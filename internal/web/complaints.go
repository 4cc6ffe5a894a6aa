package web

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/problem"
)

// complaintRoutes registers the dispute path's pages (SLA C-4.5, §7, A-4.2): the
// applicant's negotiations and complaints, the forms that file them, and the
// committee's review page.
func (s *Server) complaintRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /complaints", s.signedIn(s.complaintsPage))
	mux.HandleFunc("POST /complaints", s.form(s.signedIn(s.fileComplaint)))
	mux.HandleFunc("POST /disputes", s.form(s.signedIn(s.openDispute)))
	mux.HandleFunc("GET /disputes/{id}", s.signedIn(s.disputePage))
	mux.HandleFunc("POST /disputes/{id}/messages", s.form(s.signedIn(s.disputeMessage)))
	mux.HandleFunc("POST /disputes/{id}/settlement", s.form(s.signedIn(s.disputeSettlement)))
	mux.HandleFunc("POST /disputes/{id}/escalate", s.form(s.signedIn(s.escalateDispute)))
	mux.HandleFunc("GET /complaints/{id}", s.signedIn(s.complaintPage))
	mux.HandleFunc("POST /complaints/{id}/{action}", s.form(s.signedIn(s.complaintAction)))
	mux.HandleFunc("POST /complaints/{id}/remedies/{remedy}", s.form(s.signedIn(s.completeRemedy)))
}

// desk is the complaints desk cmd/miz wired in.
func (s *Server) desk() *complaints.Service { return s.Complaints }

func idOf(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, problem.New(problem.NotFound, "error.not_found")
	}
	return n, nil
}

// complaintsPage lists the caller's own negotiations and complaints with the forms
// that start them; committee members also see their committee's complaints (marked
// where they are excluded) and supervisors their unit's negotiations.
func (s *Server) complaintsPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "complaints.title")
	clearFlash(w, r)
	d, pr := s.desk(), caller(r)
	data := map[string]any{"Case": r.URL.Query().Get("case"), "Staff": pr.IsStaff()}
	type section struct {
		ID, Title string
		Items     []complaints.Summary
	}
	var sections []section
	if pr.IsStaff() {
		committee, err := d.ForCommittee(r.Context(), pr)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		unit, err := d.ForUnit(r.Context(), pr)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		sections = []section{{"committee", "complaints.committee", committee}, {"unit", "complaints.unit", unit}}
	} else {
		mine, err := d.Mine(r.Context(), pr)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		sections = []section{{"mine", "complaints.mine", mine}}
	}
	data["Sections"] = sections
	var err error
	if s.Services != nil {
		if data["Services"], err = s.Services(r.Context()); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "complaints", p)
}

func (s *Server) openDispute(w http.ResponseWriter, r *http.Request) {
	dp, err := s.desk().OpenDispute(r.Context(), caller(r), r.PostFormValue("case"), complaints.DisputeInput{
		Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body")})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "complaints.flash.saved")
	http.Redirect(w, r, "/disputes/"+strconv.FormatInt(dp.ID, 10), http.StatusSeeOther)
}

func (s *Server) fileComplaint(w http.ResponseWriter, r *http.Request) {
	k, err := s.desk().File(r.Context(), caller(r), complaints.FileInput{Service: r.PostFormValue("service"),
		CaseCode: r.PostFormValue("case"), Type: r.PostFormValue("type"), Body: r.PostFormValue("body")})
	s.toComplaint(w, r, k, err)
}

// toComplaint shows the complaint a form created or acted on.
func (s *Server) toComplaint(w http.ResponseWriter, r *http.Request, k *complaints.Complaint, err error) {
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "complaints.flash.saved")
	http.Redirect(w, r, "/complaints/"+strconv.FormatInt(k.ID, 10), http.StatusSeeOther)
}

func (s *Server) disputePage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "complaints.dispute.title")
	clearFlash(w, r)
	id, err := idOf(r, "id")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	dp, err := s.desk().GetDispute(r.Context(), caller(r), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	pr := caller(r)
	p.Data = map[string]any{"Dispute": dp, "Applicant": !pr.IsStaff(), "Open": dp.State == complaints.DisputeNegotiating,
		"CanAccept": dp.Settlement != "" && dp.SettlementBy != pr.ID && dp.State == complaints.DisputeNegotiating}
	s.render(w, r, http.StatusOK, "dispute", p)
}

// toDispute runs a dispute action and returns to the dispute's page.
func (s *Server) toDispute(w http.ResponseWriter, r *http.Request, fn func(id int64) error) {
	id, err := idOf(r, "id")
	if err == nil {
		err = fn(id)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "complaints.flash.saved")
	http.Redirect(w, r, "/disputes/"+r.PathValue("id"), http.StatusSeeOther)
}

func (s *Server) disputeMessage(w http.ResponseWriter, r *http.Request) {
	s.toDispute(w, r, func(id int64) error {
		return s.desk().PostDisputeMessage(r.Context(), caller(r), id, r.PostFormValue("body"))
	})
}

func (s *Server) disputeSettlement(w http.ResponseWriter, r *http.Request) {
	s.toDispute(w, r, func(id int64) error {
		if r.PostFormValue("action") == "accept" {
			return s.desk().AcceptSettlement(r.Context(), caller(r), id)
		}
		return s.desk().ProposeSettlement(r.Context(), caller(r), id, r.PostFormValue("text"))
	})
}

func (s *Server) escalateDispute(w http.ResponseWriter, r *http.Request) {
	id, err := idOf(r, "id")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	k, err := s.desk().Escalate(r.Context(), caller(r), id, r.PostFormValue("body"))
	s.toComplaint(w, r, k, err)
}
