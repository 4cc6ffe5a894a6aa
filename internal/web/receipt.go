package web

import (
	"net/http"

	"github.com/itoir/miz/internal/problem"
)

// receiptPage is the printable receipt of a submitted case (issue 13): tracking
// code, service, the date it was handed in, what happens next and by when, and
// where to follow it.
func (s *Server) receiptPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "ux2.receipt.title")
	v, err := s.Cases.CaseView(r.Context(), caller(r), r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if v.SubmittedAt.IsZero() {
		s.Fail(w, r, problem.New(problem.NotFound, "ux2.receipt.not_submitted"))
		return
	}
	track := "/track?code=" + v.TrackingCode
	if s.BaseURL != nil && s.BaseURL() != "" {
		track = s.BaseURL() + track
	}
	p.Data = map[string]any{"Case": v, "Track": track}
	s.render(w, r, http.StatusOK, "receipt", p)
}
