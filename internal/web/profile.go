package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

type profileData struct {
	Person *identity.Person
	Orgs   []identity.Organization
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
	if err != nil {
		s.Fail(w, r, err)
		return
	}
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
