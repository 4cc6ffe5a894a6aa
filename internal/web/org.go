package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

type orgData struct {
	Org     identity.Organization
	Members []identity.Member
}

// orgAccount returns the organisation of an organisation account (only the
// organisation's own account manages who may act for it).
func orgAccount(r *http.Request) (int64, bool) {
	p := httpauth.FromContext(r.Context()).Principal
	if p == nil || p.Kind != identity.KindOrganization || p.OrgID == 0 {
		return 0, false
	}
	return p.OrgID, true
}

func (s *Server) orgMembers(w http.ResponseWriter, r *http.Request) {
	orgID, ok := orgAccount(r)
	if !ok {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	s.renderOrg(w, r, orgID, http.StatusOK, nil)
}

func (s *Server) renderOrg(w http.ResponseWriter, r *http.Request, orgID int64, status int, p *Page) {
	ctx := r.Context()
	if p == nil {
		p = s.page(r, "org.title")
	}
	clearFlash(w, r)
	var d orgData
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if d.Org, err = identity.OrganizationByID(ctx, tx, orgID); err != nil {
			return err
		}
		d.Members, err = identity.Members(ctx, tx, orgID)
		return err
	})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "org", p)
}

func (s *Server) orgAddMember(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	orgID, ok := orgAccount(r)
	if !ok {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	p := s.page(r, "org.title")
	typed := r.PostFormValue("national_code")
	title := persian.Normalize(r.PostFormValue("title"))
	p.Form["national_code"], p.Form["title"] = typed, title
	code, err := persian.ValidateNationalCode(typed)
	if err != nil {
		var ie *persian.InvalidError
		if errors.As(err, &ie) {
			p.Errors["national_code"] = pickMsg(p, ie.MessageFa(), ie.MessageEn())
		}
		s.renderOrg(w, r, orgID, http.StatusBadRequest, p)
		return
	}
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		person, err := identity.PersonByNationalCode(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := identity.AddMembership(ctx, tx, person.ID, orgID, title); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actorOf(httpauth.FromContext(ctx)), "org.member_added", "organization", itoa(orgID), map[string]any{"person": person.ID})
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.Errors["national_code"] = p.T("org.member.unknown")
	case err != nil && store.IsUniqueViolation(err) || err != nil && strings.Contains(err.Error(), "duplicate key"):
		p.Errors["national_code"] = p.T("org.member.exists")
	case err != nil:
		s.Fail(w, r, err)
		return
	default:
		flash(w, "org.member.added")
		http.Redirect(w, r, "/org/members", http.StatusSeeOther)
		return
	}
	s.renderOrg(w, r, orgID, http.StatusBadRequest, p)
}

func (s *Server) orgRemoveMember(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	orgID, ok := orgAccount(r)
	if !ok {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	personID, err := strconv.ParseInt(r.PostFormValue("person"), 10, 64)
	if err != nil {
		s.Fail(w, r, problem.New(problem.Invalid, "error.required"))
		return
	}
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		if err := identity.RemoveMembership(ctx, tx, personID, orgID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actorOf(httpauth.FromContext(ctx)), "org.member_removed", "organization", itoa(orgID), map[string]any{"person": personID})
	})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "org.member.removed")
	http.Redirect(w, r, "/org/members", http.StatusSeeOther)
}

func pickMsg(p *Page, fa, en string) string {
	if p.Lang == "en" {
		return en
	}
	return fa
}
