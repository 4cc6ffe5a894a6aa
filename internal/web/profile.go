package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

type profileData struct {
	Person *identity.Person
	Orgs   []identity.Organization
	Tokens []identity.TokenInfo
	Prefs  []notify.Pref // notice choices per kind (issue 14)
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := httpauth.FromContext(ctx)
	p := s.page(r, "profile.title")
	clearFlash(w, r)
	var d profileData
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		if c.Principal.PersonID == 0 {
			return nil
		}
		person, err := identity.PersonByID(ctx, tx, c.Principal.PersonID)
		if err != nil {
			return err
		}
		d.Person = &person
		d.Orgs, err = identity.Memberships(ctx, tx, person.ID)
		return err
	})
	if err == nil {
		d.Tokens, err = identity.ListTokens(ctx, s.DB, c.Principal.ID)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d.Prefs = s.noticePrefs(ctx, c.Principal.ID)
	p.Data = d
	s.render(w, r, http.StatusOK, "profile", p)
}

// switchActing lets a person act for one of their organisations (or themself).
func (s *Server) switchActing(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := httpauth.FromContext(ctx)
	org, err := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	if err != nil || (org != 0 && !slices.Contains(c.Principal.MemberOf, org)) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		if err := identity.SetActingOrg(ctx, tx, c.Token, org); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.Auth.Forget(c.Token) })
		return audit.Record(ctx, tx, actorOf(c), "auth.acting_org", "account", itoa(c.Principal.ID), map[string]any{"org": org})
	})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

func actorOf(c *httpauth.Caller) string {
	if c == nil || c.Principal == nil {
		return "anonymous"
	}
	return fmt.Sprintf("account:%d", c.Principal.ID)
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// securityRoutes registers the profile's account-security actions (Security #2).
func (s *Server) securityRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /profile/password", s.form(s.signedIn(s.changePassword)))
	mux.HandleFunc("POST /profile/tokens/{id}/revoke", s.form(s.signedIn(s.revokeToken)))
	mux.HandleFunc("POST /profile/signout-everywhere", s.form(s.signedIn(s.signOutEverywhere)))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	err := identity.ChangePassword(r.Context(), s.DB, s.Login, identity.PasswordChange{AccountID: c.Principal.ID,
		Current: r.PostFormValue("current_password"), New: r.PostFormValue("new_password"), KeepToken: c.Token, ClientIP: httpauth.ClientIP(r)})
	if err != nil {
		p := s.page(r, "profile.title")
		p.Data = profileData{}
		s.formProblem(w, r, p, "profile", err)
		return
	}
	flash(w, "security.password.changed")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	if err := identity.RevokeToken(r.Context(), s.DB, c.Principal.ID, r.PathValue("id")); err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "security.token.revoked")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}

// signOutEverywhere ends every other session and token; with keep=0 this one too.
func (s *Server) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	c := httpauth.FromContext(r.Context())
	keep := c.Token
	if r.PostFormValue("keep") == "0" {
		keep = ""
	}
	if _, err := identity.SignOutEverywhere(r.Context(), s.DB, c.Principal.ID, keep); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Auth.Forget(c.Token)
	if keep == "" {
		s.Auth.ClearSessionCookie(w)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	flash(w, "security.signedout.everywhere")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}
