package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// maxDraftForm bounds the editor's form: a service file of up to 1 MB, percent-encoded.
const maxDraftForm = 4 << 20

// catalogEditRoutes registers the editors' pages: drafts are written by editors and
// published by a supervisor or admin who did not write them (SLA C-4.6).
func (s *Server) catalogEditRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/services", s.signedIn(s.catalogDrafts))
	mux.HandleFunc("POST /admin/services/drafts", s.form(s.signedIn(s.catalogCreateDraft)))
	mux.HandleFunc("GET /admin/services/{id}/versions/{n}", s.signedIn(s.catalogEdit))
	mux.HandleFunc("POST /admin/services/{id}/versions/{n}", s.draftForm(s.signedIn(s.catalogSave)))
	mux.HandleFunc("POST /admin/services/{id}/versions/{n}/submit", s.form(s.signedIn(s.catalogSubmit)))
	mux.HandleFunc("POST /admin/services/{id}/versions/{n}/withdraw", s.form(s.signedIn(s.catalogWithdraw)))
	mux.HandleFunc("POST /admin/services/{id}/versions/{n}/publish", s.form(s.signedIn(s.catalogPublish)))
}

// draftForm is form with room for a whole service file.
func (s *Server) draftForm(h http.HandlerFunc) http.HandlerFunc {
	return s.formUpTo(maxDraftForm, "1 MB", h)
}

// catalogDrafts lists the services and the drafts the caller may work on.
func (s *Server) catalogDrafts(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "catalog.edit.title")
	clearFlash(w, r)
	who := caller(r)
	svcs, err := s.Catalog.List(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	drafts, err := s.Catalog.Drafts(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var mine []*catalogdb.Version
	for _, d := range drafts {
		if mayReadDraft(who, d.Service) {
			mine = append(mine, d)
		}
	}
	var editable []*catalog.Service
	for _, svc := range svcs {
		if mayDraft(who, authz.Create, svc.ID) {
			editable = append(editable, svc)
		}
	}
	if !who.IsStaff() {
		s.Fail(w, r, problem.New(problem.Forbidden, "catalog.forbidden"))
		return
	}
	p.Data = map[string]any{"Drafts": mine, "Services": editable, "New": mayDraft(who, authz.Create, identity.AllServices)}
	s.render(w, r, http.StatusOK, "catalog_edit_list", p)
}

// mayReadDraft: editors read drafts, and so do publishers, who must review them.
func mayReadDraft(p *identity.Principal, service string) bool {
	return mayDraft(p, authz.View, service) || mayDraft(p, authz.Publish, service)
}

// mayDraft asks the one policy about drafts of a service.
func mayDraft(p *identity.Principal, v authz.Verb, service string) bool {
	return p != nil && authz.Decide(p, v, authz.Resource{Kind: authz.ServiceDraft, Service: service})
}

func (s *Server) catalogCreateDraft(w http.ResponseWriter, r *http.Request) {
	service := strings.TrimSpace(r.PostFormValue("service"))
	v, err := s.Catalog.CreateDraft(r.Context(), caller(r), service, r.PostFormValue("yaml"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "catalog.edit.created")
	http.Redirect(w, r, editURL(v.Service, v.Number), http.StatusSeeOther)
}

func editURL(service string, n int) string {
	return fmt.Sprintf("/admin/services/%s/versions/%d", service, n)
}

// loadDraft reads the version of the path for someone who may view drafts of it.
func (s *Server) loadDraft(w http.ResponseWriter, r *http.Request) (*catalogdb.Version, bool) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		s.NotFound(w, r)
		return nil, false
	}
	id := r.PathValue("id")
	if !mayReadDraft(caller(r), id) {
		s.Fail(w, r, problem.New(problem.Forbidden, "catalog.forbidden"))
		return nil, false
	}
	v, err := s.Catalog.Get(r.Context(), id, n)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return v, true
}

// catalogEdit shows a version's file with its problems, line by line, beside it.
func (s *Server) catalogEdit(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadDraft(w, r)
	if !ok {
		return
	}
	p := s.page(r, "catalog.edit.version")
	clearFlash(w, r)
	s.renderDraft(w, r, p, v, http.StatusOK)
}

func (s *Server) renderDraft(w http.ResponseWriter, r *http.Request, p *Page, v *catalogdb.Version, status int) {
	who := caller(r)
	eff := p.Form["effective_from"]
	if eff == "" {
		eff = jalali.FromTime(time.Now().In(jalali.Tehran()).AddDate(0, 0, 1)).String()
	}
	p.Form["effective_from"] = eff
	p.Data = map[string]any{
		"V":          v,
		"Problems":   v.Problems(),
		"Editable":   v.Status == catalogdb.StatusDraft || v.Status == catalogdb.StatusReview,
		"CanPublish": v.Status == catalogdb.StatusReview && mayDraft(who, authz.Publish, v.Service),
		"Author":     who != nil && (who.ID == v.CreatedBy || who.ID == v.UpdatedBy || who.ID == v.SubmittedBy),
		// Issue 14: the figures nobody has confirmed, listed before anyone publishes.
		"Unconfirmed": unconfirmed(v),
	}
	s.render(w, r, status, "catalog_edit", p)
}

func (s *Server) catalogSave(w http.ResponseWriter, r *http.Request) {
	v, ok := s.loadDraft(w, r)
	if !ok {
		return
	}
	if _, err := s.Catalog.UpdateDraft(r.Context(), caller(r), v.Service, v.Number, r.PostFormValue("yaml")); err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "catalog.edit.saved")
	http.Redirect(w, r, editURL(v.Service, v.Number), http.StatusSeeOther)
}

func (s *Server) catalogSubmit(w http.ResponseWriter, r *http.Request) {
	s.draftAction(w, r, "catalog.edit.submitted", func(v *catalogdb.Version) error {
		return s.Catalog.Submit(r.Context(), caller(r), v.Service, v.Number)
	})
}

func (s *Server) catalogWithdraw(w http.ResponseWriter, r *http.Request) {
	s.draftAction(w, r, "catalog.edit.withdrawn", func(v *catalogdb.Version) error {
		return s.Catalog.Withdraw(r.Context(), caller(r), v.Service, v.Number)
	})
}

// catalogPublish publishes a version in review with its effective date, given as a
// Jalali or Gregorian day, and its change summary in both languages (C-4.6).
func (s *Server) catalogPublish(w http.ResponseWriter, r *http.Request) {
	s.draftAction(w, r, "catalog.edit.published", func(v *catalogdb.Version) error {
		day, err := parseDay(r.PostFormValue("effective_from"))
		if err != nil {
			return err
		}
		_, err = s.Catalog.Publish(r.Context(), caller(r), v.Service, v.Number, catalogdb.PublishInput{EffectiveFrom: day,
			Summary: catalog.Text{FA: r.PostFormValue("summary_fa"), EN: r.PostFormValue("summary_en")}})
		return err
	})
}

// draftAction runs one step of the workflow; a refusal shows the edit page again with
// the message beside the field at fault.
func (s *Server) draftAction(w http.ResponseWriter, r *http.Request, done string, act func(*catalogdb.Version) error) {
	v, ok := s.loadDraft(w, r)
	if !ok {
		return
	}
	err := act(v)
	if err == nil {
		flash(w, done)
		http.Redirect(w, r, editURL(v.Service, v.Number), http.StatusSeeOther)
		return
	}
	pe := problem.As(err)
	if pe.Code == problem.Internal || pe.Code == problem.Unavailable || pe.Code == problem.Unauthorized {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "catalog.edit.version")
	for _, f := range []string{"effective_from", "summary_fa", "summary_en"} {
		p.Form[f] = r.PostFormValue(f)
	}
	msg := i18n.T(p.Lang, pe.Key, pe.Args...)
	if pe.Field != "" {
		p.Errors[pe.Field] = msg
	}
	p.Error = msg
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		p.Errors["yaml"] = msg
	}
	s.renderDraft(w, r, p, v, problem.Status(pe.Code))
}

// parseDay reads a day written in Jalali (۱۴۰۵/۰۹/۰۱) or Gregorian ISO (2026-11-22).
func parseDay(s string) (catalog.Date, error) {
	s = strings.TrimSpace(persian.ASCIIDigits(s))
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return catalog.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}, nil
	}
	d, err := jalali.Parse(s)
	if err != nil || !d.Valid() {
		return catalog.Date{}, problem.Field("effective_from", "catalog.publish.date")
	}
	y, m, day := d.Gregorian()
	return catalog.Date{Year: y, Month: time.Month(m), Day: day}, nil
}

// unconfirmed lists the paths of the version's figures marked "example" or not
// marked at all; nothing when the file does not parse (its problems say why).
func unconfirmed(v *catalogdb.Version) []string {
	svc, err := catalog.Parse(v.Service+".yaml", []byte(v.YAML))
	if err != nil {
		return nil
	}
	return svc.Unconfirmed()
}
