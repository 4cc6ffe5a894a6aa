package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// Security #11: administrators manage accounts on /admin/accounts. The rules, the
// audit entries and the admin check live in identity.Accounts; these handlers only
// translate forms to calls and results to pages.

func (s *Server) adminAccountRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/accounts", s.signedIn(s.adminAccounts))
	mux.HandleFunc("POST /admin/accounts", s.form(s.signedIn(s.adminAccountCreate)))
	mux.HandleFunc("GET /admin/accounts/{id}", s.signedIn(s.adminAccount))
	mux.HandleFunc("POST /admin/accounts/{id}/{action}", s.form(s.signedIn(s.adminAccountAction)))
}

// accounts is the account service cmd/miz wired in.
func (s *Server) accounts() *identity.Accounts { return s.Accounts }

// serviceNames maps the catalog's services to their Persian and English names.
func (s *Server) serviceNames(ctx context.Context) map[string][2]string {
	out := map[string][2]string{}
	if s.Services == nil {
		return out
	}
	svcs, err := s.Services(ctx)
	if err != nil {
		return out
	}
	for _, svc := range svcs {
		out[svc.ID] = [2]string{svc.Name.FA, svc.Name.EN}
	}
	return out
}

// adminOf is the signed-in caller as an account administrator, or false (after
// answering 403) when authz does not let them manage accounts.
func (s *Server) adminOf(w http.ResponseWriter, r *http.Request, v authz.Verb) (identity.Admin, bool) {
	p := httpauth.FromContext(r.Context()).Principal
	if !authz.Decide(p, v, authz.Resource{Kind: authz.Account}) {
		s.Fail(w, r, problem.New(problem.Forbidden, "accounts.forbidden"))
		return identity.Admin{}, false
	}
	return identity.Admin{Principal: p}, true
}

// serviceOption is a service offered in the grant form.
type serviceOption struct {
	ID   string
	Name string
}

// grantView is one held role, with the service's name in the page's language.
type grantView struct {
	Service, ServiceName string
	Role                 identity.Role
}

type adminAccountsData struct {
	Query    string
	Accounts []accountView
}

type accountView struct {
	identity.AccountInfo
	Grants []grantView
}

type adminAccountData struct {
	Account  accountView
	Services []serviceOption
	Roles    []identity.Role
	Password string // a one-time password, shown on this response only
	Self     bool
}

func (s *Server) view(ctx context.Context, lang i18n.Lang, a identity.AccountInfo) accountView {
	names := s.serviceNames(ctx)
	v := accountView{AccountInfo: a}
	for _, g := range a.Grants {
		name := g.Service
		if g.Service == identity.AllServices {
			name = i18n.T(lang, "admin.account.all_services")
		} else if n, ok := names[g.Service]; ok {
			name = pickName(lang, n)
		}
		v.Grants = append(v.Grants, grantView{Service: g.Service, ServiceName: name, Role: g.Role})
	}
	return v
}

func pickName(lang i18n.Lang, n [2]string) string {
	if lang == i18n.En && n[1] != "" {
		return n[1]
	}
	return n[0]
}

func (s *Server) adminAccounts(w http.ResponseWriter, r *http.Request) {
	s.renderAdminAccounts(w, r, http.StatusOK, nil)
}

func (s *Server) renderAdminAccounts(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	by, ok := s.adminOf(w, r, authz.View)
	if !ok {
		return
	}
	p := s.page(r, "admin.accounts.title")
	clearFlash(w, r)
	q := r.URL.Query().Get("q")
	list, err := s.accounts().List(r.Context(), by, q)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	d := adminAccountsData{Query: q}
	for _, a := range list {
		d.Accounts = append(d.Accounts, s.view(r.Context(), p.Lang, a))
	}
	if formErr != nil {
		pe := problem.As(formErr)
		if pe.Code == problem.Internal {
			s.Fail(w, r, formErr)
			return
		}
		msg := p.T(pe.Key, pe.Args...)
		if pe.Field != "" {
			p.Errors[pe.Field] = msg
		} else {
			p.Error = msg
		}
		for _, k := range []string{"username", "display_name", "email", "admin"} {
			p.Form[k] = r.PostFormValue(k)
		}
	}
	p.Data = d
	s.render(w, r, status, "admin_accounts", p)
}

func (s *Server) adminAccountCreate(w http.ResponseWriter, r *http.Request) {
	by, ok := s.adminOf(w, r, authz.Create)
	if !ok {
		return
	}
	id, pw, err := s.accounts().CreateStaff(r.Context(), by, identity.NewStaff{Username: r.PostFormValue("username"),
		DisplayName: r.PostFormValue("display_name"), Email: r.PostFormValue("email"), Admin: r.PostFormValue("admin") == "yes"})
	if err != nil {
		s.renderAdminAccounts(w, r, problem.Status(problem.As(err).Code), err)
		return
	}
	s.renderAdminAccount(w, r, id, http.StatusCreated, "admin.account.created", pw, nil)
}

func accountID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func (s *Server) adminAccount(w http.ResponseWriter, r *http.Request) {
	id, ok := accountID(r)
	if !ok {
		s.NotFound(w, r)
		return
	}
	s.renderAdminAccount(w, r, id, http.StatusOK, "", "", nil)
}

// renderAdminAccount draws one account's page: with a notice, a one-time password
// to show once, or a form error.
func (s *Server) renderAdminAccount(w http.ResponseWriter, r *http.Request, id int64, status int, notice, password string, formErr error) {
	by, ok := s.adminOf(w, r, authz.View)
	if !ok {
		return
	}
	a, err := s.accounts().Get(r.Context(), by, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "")
	p.Title = p.T("admin.account.title", a.Username)
	clearFlash(w, r)
	if notice != "" {
		p.Flash = p.T(notice)
	}
	if formErr != nil {
		pe := problem.As(formErr)
		if pe.Code == problem.Internal {
			s.Fail(w, r, formErr)
			return
		}
		p.Error = p.T(pe.Key, pe.Args...)
	}
	d := adminAccountData{Account: s.view(r.Context(), p.Lang, a), Roles: identity.Roles(), Password: password,
		Self: by.Principal != nil && by.Principal.ID == id}
	if s.Services != nil {
		if svcs, err := s.Services(r.Context()); err == nil {
			for _, svc := range svcs {
				d.Services = append(d.Services, serviceOption{ID: svc.ID, Name: pickName(p.Lang, [2]string{svc.Name.FA, svc.Name.EN})})
			}
		}
	}
	// Every service last, so that it is never the choice by default.
	d.Services = append(d.Services, serviceOption{ID: identity.AllServices, Name: p.T("admin.account.all_services")})
	p.Data = d
	if password != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, "admin_account", p)
}

// adminAccountAction runs one of the account page's forms. Those that end the
// account's sessions need the confirmation box ticked.
func (s *Server) adminAccountAction(w http.ResponseWriter, r *http.Request) {
	id, ok := accountID(r)
	if !ok {
		s.NotFound(w, r)
		return
	}
	by, ok := s.adminOf(w, r, authz.Update)
	if !ok {
		return
	}
	ctx, acc := r.Context(), s.accounts()
	action := r.PathValue("action")
	switch action {
	case "disable", "reset-totp", "reset-password":
		if r.PostFormValue("confirm") != "yes" {
			err := &problem.Error{Code: problem.Invalid, Key: "accounts.confirm.required", Field: "confirm"}
			s.renderAdminAccount(w, r, id, http.StatusBadRequest, "", "", err)
			return
		}
	}
	var err error
	var notice, password string
	switch action {
	case "grant":
		err, notice = acc.GrantRole(ctx, by, id, r.PostFormValue("service"), identity.Role(r.PostFormValue("role"))), "admin.account.granted"
	case "revoke":
		err, notice = acc.RevokeRole(ctx, by, id, r.PostFormValue("service"), identity.Role(r.PostFormValue("role"))), "admin.account.revoked"
	case "disable":
		err, notice = acc.SetDisabled(ctx, by, id, true), "admin.account.disabled_done"
	case "enable":
		err, notice = acc.SetDisabled(ctx, by, id, false), "admin.account.enabled_done"
	case "reset-totp":
		err, notice = acc.ResetTOTP(ctx, by, id), "admin.account.totp_done"
	case "reset-password":
		password, err = acc.ResetPassword(ctx, by, id, "")
		// The password is shown on this response, never carried in a redirect.
		if err == nil {
			s.renderAdminAccount(w, r, id, http.StatusOK, "", password, nil)
			return
		}
	default:
		s.NotFound(w, r)
		return
	}
	if err != nil {
		if pe := problem.As(err); pe.Code == problem.NotFound && pe.Key == "accounts.not_found" {
			s.Fail(w, r, err)
			return
		}
		s.renderAdminAccount(w, r, id, problem.Status(problem.As(err).Code), "", "", err)
		return
	}
	flash(w, notice)
	http.Redirect(w, r, "/admin/accounts/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
