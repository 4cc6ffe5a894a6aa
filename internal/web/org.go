package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// orgAccount reports whether the caller is an organisation's own account, the only
// one that manages who may act for it (identity.Accounts checks it again).
func orgAccount(r *http.Request) bool {
	p := httpauth.FromContext(r.Context()).Principal
	return p != nil && p.Kind == identity.KindOrganization && p.OrgID != 0
}

func (s *Server) orgMembers(w http.ResponseWriter, r *http.Request) {
	if !orgAccount(r) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	s.renderOrg(w, r, http.StatusOK, nil)
}

func (s *Server) renderOrg(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	if p == nil {
		p = s.page(r, "org.title")
	}
	clearFlash(w, r)
	d, err := s.Accounts.OrgMembers(r.Context(), caller(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, status, "org", p)
}

func (s *Server) orgAddMember(w http.ResponseWriter, r *http.Request) {
	if !orgAccount(r) {
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
		s.renderOrg(w, r, http.StatusBadRequest, p)
		return
	}
	err = s.Accounts.AddMember(r.Context(), caller(r), code, title)
	if pe := problem.As(err); err != nil && pe.Field != "" {
		p.Errors[pe.Field] = p.T(pe.Key, pe.Args...)
		s.renderOrg(w, r, http.StatusBadRequest, p)
		return
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "org.member.added")
	http.Redirect(w, r, "/org/members", http.StatusSeeOther)
}

func (s *Server) orgRemoveMember(w http.ResponseWriter, r *http.Request) {
	if !orgAccount(r) {
		s.Fail(w, r, problem.New(problem.Forbidden, "error.forbidden"))
		return
	}
	personID, err := strconv.ParseInt(r.PostFormValue("person"), 10, 64)
	if err != nil {
		s.Fail(w, r, problem.New(problem.Invalid, "error.required"))
		return
	}
	if err := s.Accounts.RemoveMember(r.Context(), caller(r), personID); err != nil {
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
