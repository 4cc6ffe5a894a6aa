package web

import "net/http"

// advisoryRoutes registers the advisories' public portal, the editors' desk and
// the CSAF provider (SLA M-4.1); all are left out without an advisory service.
func (s *Server) advisoryRoutes(mux *http.ServeMux) {
	if s.Advisories == nil {
		return
	}
	s.csafRoutes(mux)
}
