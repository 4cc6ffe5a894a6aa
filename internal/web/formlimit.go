package web

import (
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/problem"
)

// formUpTo wraps a state-changing handler: a body of at most limit bytes (said as
// shown to a person when it is larger), the CSRF check and the text check of every
// field. form and draftForm differ only in their limit.
func (s *Server) formUpTo(limit int64, shown string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := r.ParseForm(); err != nil {
			s.Fail(w, r, problem.New(problem.TooLarge, "error.too_large", shown))
			return
		}
		if !httpauth.CheckCSRF(r) {
			s.Fail(w, r, problem.New(problem.Forbidden, "error.csrf"))
			return
		}
		if err := checkFormText(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		h(w, r)
	}
}
