package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/cert/triage"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/problem"
)

// Proactive is the CERT's proactive line (issue 16): constituents' assets, threat
// feed imports and direct warnings. nil leaves its pages out.
type Proactive struct {
	Constituents *constituent.Service
	Feeds        *feed.Service
	Warnings     *warning.Service
}

// proactiveRoutes registers the organisation's pages (/org/assets, /org/warnings)
// and the CERT staff's (/cert/constituents, /cert/feeds, /cert/warnings).
func (s *Server) proactiveRoutes(mux *http.ServeMux) {
	if s.Proactive == nil {
		return
	}
	mux.HandleFunc("GET /org/assets", s.signedIn(s.orgAssets))
	mux.HandleFunc("POST /org/assets", s.form(s.signedIn(s.orgClaimAsset)))
	mux.HandleFunc("POST /org/assets/{id}/withdraw", s.form(s.signedIn(s.orgWithdrawAsset)))
	mux.HandleFunc("POST /org/contacts", s.form(s.signedIn(s.orgAddContact)))
	mux.HandleFunc("POST /org/contacts/{id}/remove", s.form(s.signedIn(s.orgRemoveContact)))
	mux.HandleFunc("POST /org/rules", s.form(s.signedIn(s.orgSetRules)))
	mux.HandleFunc("GET /cert/constituents", s.signedIn(s.certClaims))
	mux.HandleFunc("POST /cert/assets/{id}/decide", s.form(s.signedIn(s.certDecideAsset)))
	s.feedRoutes(mux)
	s.warningRoutes(mux)
}

// assetsPage is what /org/assets shows.
type assetsPage struct {
	Assets   []constituent.Asset
	Contacts []constituent.Contact
	Rules    constituent.Rules
	Kinds    []string
	Roles    []string
	Classes  []triage.Class
}

func (s *Server) renderAssets(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	if p == nil {
		p = s.page(r, "constituent.assets.title")
	}
	clearFlash(w, r)
	ctx, pr := r.Context(), caller(r)
	var d assetsPage
	var err error
	if d.Assets, err = s.Proactive.Constituents.Assets(ctx, pr, 0); err != nil {
		s.Fail(w, r, err)
		return
	}
	if d.Contacts, err = s.Proactive.Constituents.Contacts(ctx, pr, 0); err != nil {
		s.Fail(w, r, err)
		return
	}
	if d.Rules, err = s.Proactive.Constituents.RulesOf(ctx, pr, 0); err != nil {
		s.Fail(w, r, err)
		return
	}
	d.Kinds = []string{constituent.KindPrefix, constituent.KindASN, constituent.KindDomain, constituent.KindProduct}
	d.Roles = constituent.ContactRoles()
	d.Classes = triage.Taxonomy()
	p.Data = d
	s.render(w, r, status, "constituent_assets", p)
}

func (s *Server) orgAssets(w http.ResponseWriter, r *http.Request) {
	s.renderAssets(w, r, http.StatusOK, nil)
}

// fieldFail shows a domain's field error on the form that caused it, or fails.
func (s *Server) fieldFail(w http.ResponseWriter, r *http.Request, p *Page, err error, prefix string,
	again func(http.ResponseWriter, *http.Request, int, *Page)) {
	if pe := problem.As(err); pe.Field != "" {
		p.Errors[prefix+pe.Field] = p.T(pe.Key, pe.Args...)
		again(w, r, http.StatusBadRequest, p)
		return
	}
	s.Fail(w, r, err)
}

func (s *Server) orgClaimAsset(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "constituent.assets.title")
	c := constituent.Claim{Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value"), Set: r.PostFormValue("set")}
	p.Form["kind"], p.Form["value"], p.Form["set"] = c.Kind, c.Value, c.Set
	if _, err := s.Proactive.Constituents.ClaimAsset(r.Context(), caller(r), c); err != nil {
		s.fieldFail(w, r, p, err, "", s.renderAssets)
		return
	}
	flash(w, "constituent.claimed")
	http.Redirect(w, r, "/org/assets", http.StatusSeeOther)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, problem.New(problem.NotFound, "error.not_found")
	}
	return id, nil
}

func (s *Server) orgWithdrawAsset(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Proactive.Constituents.Withdraw(r.Context(), caller(r), id)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "constituent.withdrawn")
	http.Redirect(w, r, "/org/assets", http.StatusSeeOther)
}

func (s *Server) orgAddContact(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "constituent.assets.title")
	c := constituent.Contact{Role: r.PostFormValue("role"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Set: r.PostFormValue("set")}
	p.Form["contact.role"], p.Form["contact.name"], p.Form["contact.email"], p.Form["contact.set"] = c.Role, c.Name, c.Email, c.Set
	if _, err := s.Proactive.Constituents.AddContact(r.Context(), caller(r), c); err != nil {
		s.fieldFail(w, r, p, err, "contact.", s.renderAssets)
		return
	}
	flash(w, "constituent.contact.added")
	http.Redirect(w, r, "/org/assets", http.StatusSeeOther)
}

func (s *Server) orgRemoveContact(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Proactive.Constituents.RemoveContact(r.Context(), caller(r), id)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "constituent.contact.removed")
	http.Redirect(w, r, "/org/assets", http.StatusSeeOther)
}

func (s *Server) orgSetRules(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "constituent.assets.title")
	interval, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("interval")))
	if err != nil {
		p.Errors["rules.interval"] = p.T("constituent.interval.invalid")
		s.renderAssets(w, r, http.StatusBadRequest, p)
		return
	}
	rules := constituent.Rules{Channel: r.PostFormValue("channel"), Lang: r.PostFormValue("lang"), IntervalMinutes: interval,
		Sector: r.PostFormValue("sector"), Suppress: r.PostForm["suppress"]}
	if err := s.Proactive.Constituents.SetRules(r.Context(), caller(r), rules); err != nil {
		s.fieldFail(w, r, p, err, "rules.", s.renderAssets)
		return
	}
	flash(w, "constituent.rules.saved")
	http.Redirect(w, r, "/org/assets", http.StatusSeeOther)
}

func (s *Server) certClaims(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "constituent.claims.title")
	clearFlash(w, r)
	list, err := s.Proactive.Constituents.PendingClaims(r.Context(), caller(r), 200)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = list
	s.render(w, r, http.StatusOK, "constituent_claims", p)
}

func (s *Server) certDecideAsset(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = s.Proactive.Constituents.Decide(r.Context(), caller(r), id, r.PostFormValue("decision") == "verify",
			r.PostFormValue("note"))
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "constituent.decided")
	http.Redirect(w, r, "/cert/constituents", http.StatusSeeOther)
}
