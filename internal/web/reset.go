package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// Security #11: an applicant who forgot their password gets a code by SMS or a link
// by e-mail. The pages answer the same whether or not an account exists; the rules
// live in identity.RequestPasswordReset and identity.CompletePasswordReset.

func (s *Server) resetRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /password/forgot", s.resetForm)
	mux.HandleFunc("POST /password/forgot", s.form(s.resetRequest))
	mux.HandleFunc("GET /password/reset", s.resetLinkForm)
	mux.HandleFunc("POST /password/reset", s.form(s.resetComplete))
}

// resetData says which form the reset page shows: "request" (login and channel),
// "code" (the SMS code and a new password) or "link" (a new password for an
// e-mailed token).
type resetData struct {
	Mode  string
	Token string
	Sent  bool
}

// resetLinkBase is where e-mailed links point: the desk's configured public address
// only, never the Host header of the request.
func (s *Server) resetLinkBase() string {
	if s.Registry == nil || s.Registry.BaseURL == "" {
		return ""
	}
	return strings.TrimSuffix(s.Registry.BaseURL, "/") + "/password/reset?token="
}

func (s *Server) renderReset(w http.ResponseWriter, r *http.Request, status int, d resetData, err error) {
	p := s.page(r, "reset.title")
	clearFlash(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the token never leaves in a Referer
	if err != nil {
		pe := problem.As(err)
		if pe.Code == problem.Internal || pe.Code == problem.Unavailable {
			s.Fail(w, r, err)
			return
		}
		if wait := identity.RetryAfter(err); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
		}
		msg := p.T(pe.Key, pe.Args...)
		if pe.Field != "" && pe.Field != "code" {
			p.Errors[pe.Field] = msg
		} else {
			p.Error = msg
		}
		status = problem.Status(pe.Code)
	}
	for _, k := range []string{"login", "channel"} {
		p.Form[k] = r.FormValue(k)
	}
	p.Data = d
	s.render(w, r, status, "reset", p)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	s.renderReset(w, r, http.StatusOK, resetData{Mode: "request"}, nil)
}

func (s *Server) resetRequest(w http.ResponseWriter, r *http.Request) {
	ch := identity.ResetChannel(r.PostFormValue("channel"))
	err := s.Accounts.RequestPasswordReset(r.Context(), identity.ResetRequest{Login: r.PostFormValue("login"), Channel: ch,
		ClientIP: httpauth.ClientIP(r), LinkBase: s.resetLinkBase()})
	if err != nil {
		s.renderReset(w, r, http.StatusOK, resetData{Mode: "request"}, err)
		return
	}
	mode := "request"
	if ch == identity.ResetBySMS {
		mode = "code"
	}
	s.renderReset(w, r, http.StatusOK, resetData{Mode: mode, Sent: true}, nil)
}

func (s *Server) resetLinkForm(w http.ResponseWriter, r *http.Request) {
	s.renderReset(w, r, http.StatusOK, resetData{Mode: "link", Token: r.URL.Query().Get("token")}, nil)
}

func (s *Server) resetComplete(w http.ResponseWriter, r *http.Request) {
	c := identity.ResetCompletion{Login: r.PostFormValue("login"), Code: r.PostFormValue("code"), Token: r.PostFormValue("token"),
		Password: r.PostFormValue("password"), ClientIP: httpauth.ClientIP(r)}
	if err := s.Accounts.CompletePasswordReset(r.Context(), c); err != nil {
		mode := "code"
		if c.Token != "" {
			mode = "link"
		}
		s.renderReset(w, r, http.StatusOK, resetData{Mode: mode, Token: c.Token}, err)
		return
	}
	flash(w, "reset.done")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
