package web

import (
	"net/http"
	"time"

	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
)

// recordVisit records an in-person visit from the case page (SLA C-4.8); the date
// is a day (YYYY-MM-DD), taken as the start of that day in Tehran.
func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request) {
	at, err := time.ParseInLocation(time.DateOnly, r.PostFormValue("date"), jalali.Tehran())
	if err != nil {
		s.Fail(w, r, problem.Field("date", "desk.visit.date"))
		return
	}
	_, err = s.Desk.RecordVisit(r.Context(), caller(r), r.PathValue("code"), desk.VisitInput{At: at,
		Reason: r.PostFormValue("reason"), OverrideReason: r.PostFormValue("override_reason")})
	s.failOrBack(w, r, err, "desk.flash.visit")
}
