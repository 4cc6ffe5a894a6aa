package web

import (
	"net/http"
	"strings"

	"github.com/itoir/miz/internal/desk"
)

// recordVisit records an in-person visit from the case page (SLA C-4.8); the date
// comes from the Jalali date picker (or a single YYYY-MM-DD field), taken as the
// start of that day in Tehran. Every field's problem is shown on the form at once.
func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request) {
	at, err := pickedTime(r, "date")
	bad := map[string]string{}
	switch {
	case err != nil:
		bad["date"] = "ux2.pick.invalid"
	case at.IsZero():
		bad["date"] = "error.required"
	}
	if strings.TrimSpace(r.PostFormValue("reason")) == "" {
		bad["reason"] = "error.required"
	}
	if len(bad) > 0 {
		s.caseInvalid(w, r, "visit", bad)
		return
	}
	_, err = s.Desk.RecordVisit(r.Context(), caller(r), r.PathValue("code"), desk.VisitInput{At: at,
		Reason: r.PostFormValue("reason"), OverrideReason: r.PostFormValue("override_reason")})
	s.caseDone(w, r, err, "visit", "desk.flash.visit")
}
