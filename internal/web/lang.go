package web

import (
	"net/http"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/problem"
)

// langForm wraps the language switch. For a signed-in person it is a form like any
// other (body limit, CSRF token, text check): it also writes the account's
// language. For an anonymous visitor it changes nothing but their own display
// preference cookie, so it asks for no CSRF token, and the page that offers it
// needs no CSRF cookie: a public page then stays cookie-free and cacheable (issue
// 18). A cross-site post is still refused by the cross-origin check in front of
// every route (Security #11 item 10).
func (s *Server) langForm(h http.HandlerFunc) http.HandlerFunc {
	signedIn := s.form(h)
	return func(w http.ResponseWriter, r *http.Request) {
		if httpauth.FromContext(r.Context()).Principal != nil {
			signedIn(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			s.Fail(w, r, problem.New(problem.TooLarge, "error.too_large", "64 KB"))
			return
		}
		if err := checkFormText(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		h(w, r)
	}
}
