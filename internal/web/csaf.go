package web

import (
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/problem"
)

// csafRoutes serves the CSAF 2.0 trusted provider (SLA M-4.1) and security.txt
// with its CSAF field. The files are plain data, not pages: a refusal is a bare
// status, never a login form, so that tools such as csaf_checker read it right.
func (s *Server) csafRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/csaf/{path...}", s.csafFile)
	mux.HandleFunc("GET /.well-known/security.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(s.Advisories.SecurityTxt())
	})
}

func (s *Server) csafFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.Advisories.CSAF(r.Context(), httpauth.FromContext(r.Context()).Principal, r.PathValue("path"))
	if err != nil {
		pe := problem.Classify(err)
		status := problem.Status(pe.Code)
		if status >= 500 {
			s.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="miz"`)
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(f.Body)
}
