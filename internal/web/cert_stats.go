package web

import "net/http"

// statsRoutes serves the incident statistics (D-2).
func (s *Server) statsRoutes(mux *http.ServeMux) {}
