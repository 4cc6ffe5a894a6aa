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

// outageStore returns the wired outage store, or one over the server's database.
func (s *Server) outageStore() *outages.Service {
	if s.Outages != nil {
		return s.Outages
	}
	o := &outages.Service{DB: s.DB, Services: s.Services}
	if s.Cases != nil {
		o.Now = s.Cases.Now
	}
	return o
}

// kpiComputer returns the wired KPI computer, or one over the case engine.
func (s *Server) kpiComputer() *kpi.Computer {
	if s.KPI != nil {
		return s.KPI
	}
	return &kpi.Computer{DB: s.DB, Catalog: s.Cases.Catalog, Calendar: s.Cases.Calendar, Now: s.Cases.Now,
		Availability: s.outageStore()}
}

func (s *Server) statusPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "status.title")
	st, err := s.outageStore().Status(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = st
	s.render(w, r, http.StatusOK, "status", p)
}
