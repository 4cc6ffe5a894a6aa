package web

import (
	"net/http"

	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/outages"
)

// accountabilityRoutes registers /status, /services/{id}/performance and
// /admin/outages (SLA C-4.4 and the desk's public accountability).
func (s *Server) accountabilityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /status", s.statusPage)
	mux.HandleFunc("GET /services/{id}/performance", s.performancePage)
	mux.HandleFunc("GET /admin/outages", s.signedIn(s.adminOutages))
	mux.HandleFunc("POST /admin/outages", s.form(s.signedIn(s.adminOutageCreate)))
	mux.HandleFunc("POST /admin/outages/{id}/end", s.form(s.signedIn(s.adminOutageEnd)))
}

// outageStore is the outage service cmd/miz wired in.
func (s *Server) outageStore() *outages.Service { return s.Outages }

// kpiComputer is the KPI computer cmd/miz wired in, with all its sources.
func (s *Server) kpiComputer() *kpi.Computer { return s.KPI }

// statusData is what /status shows: the status (its fields promoted) laid out in
// sections.
type statusData struct {
	*outages.Status
	Sections []outageSection
}

func (s *Server) statusPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "status.title")
	st, err := s.outageStore().Status(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = statusData{Status: st, Sections: outageSectionsOf("status", st, false)}
	s.render(w, r, http.StatusOK, "status", p)
}
