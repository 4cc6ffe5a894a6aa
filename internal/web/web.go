// Package web serves Miz's HTML pages: Persian first (RTL, Vazirmatn, Jalali dates),
// English on switch, server-rendered from templates parsed once at start, with no
// inline script so the Content-Security-Policy can forbid it.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/oversight"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/slareport"
	"github.com/itoir/miz/internal/whitehat"
)

// Server is the HTML side of Miz. It holds domain services only; cmd/miz builds
// them and New refuses a server that lacks one.
type Server struct {
	Auth    *httpauth.Auth
	Log     *slog.Logger
	Version string
	// Sessions signs people in and out; Accounts serves their own accounts and the
	// administration of everyone's (identity).
	Sessions *identity.Sessions
	Accounts *identity.Accounts
	// Applications reads the CERTIFY module's reviews for the application page.
	Applications *application.Module
	// Services lists the published services shown on the home page.
	Services func(ctx context.Context) ([]*catalog.Service, error)
	// Banner returns the outage notice to show on every page, if any (C-4.4).
	Banner func(ctx context.Context, lang i18n.Lang) string
	// Cases is the case engine behind /cases, /queue and /track.
	Cases *cases.Engine
	// Calendar administers the business calendar (SLA-CLOCK rules 5, 6).
	Calendar *calendar.Service
	// Desk keeps questions, visits and feedback (SLA C-4.7, C-4.8, C-4.9); nil leaves
	// their pages out.
	Desk *desk.Service
	// Complaints runs disputes and complaints.
	Complaints *complaints.Service
	// OIDCEnabled shows the single sign-on button.
	OIDCEnabled bool
	// Registry is the public certificate registry (certify module); nil leaves the
	// registry pages out.
	Registry *certify.Registry
	// PDFs prints certificates to PDF (internal/pdf); nil makes /registry/{number}/pdf
	// answer 503.
	PDFs PDFs
	// BaseURL is the desk's public address for absolute links in feeds and the
	// single sign-on callback: --base-url, or in demo mode the listening address.
	// nil or "" means none is configured, and nothing is built from the Host header.
	BaseURL func() string
	// OIDC is single sign-on (/login/oidc); nil when no provider is configured.
	OIDC *identity.OIDC
	// Outages and KPI serve /status, /admin/outages and the performance pages.
	Outages *outages.Service
	KPI     *kpi.Computer
	// Catalog is the versioned service catalog behind /services, /changes and the
	// editors' pages (SLA C-4.6); nil leaves those pages out.
	Catalog *catalogdb.Store
	// Oversight reads the audit log for administrators (/admin/audit); nil leaves it out.
	Oversight *oversight.Service
	// Demo is true under --demo: public pages then mark the catalog's unconfirmed
	// figures "(example)" (issue 14, provenance).
	Demo bool
	// Proactive is the CERT's constituents, feeds and warnings (issue 16); nil
	// leaves their pages out.
	Proactive *Proactive
	// Notices serve /inbox, the header's unread badge, notice preferences,
	// /admin/roster and /dev/outbox (issue 14); nil leaves them out.
	Notices *Notices
	// Reports and Statements serve /reports and a case's signed statement (issue
	// 20); nil leaves them out.
	Reports    *slareport.Service
	Statements *slareport.Statements
	// Billing issues invoices and records payments (§6); nil leaves /invoices,
	// /payments and /billing out. InvoicePDFs prints invoices; nil makes their
	// PDF answer 503.
	Billing     *billing.Service
	InvoicePDFs InvoicePDFs
	// Advisories serve /advisories, the editors' desk and the CSAF provider (SLA
	// M-4.1, internal/cert/advisory); nil leaves them out.
	Advisories *advisory.Service
	// CertWork serves the CERT's dispatch, consent, technical report and
	// vulnerability disclosure pages (issue 15); nil leaves them out.
	CertWork *CertWork
	// Incidents and Evidence serve the CERT incident desk (issue 15: report form,
	// triage queue, incident page, evidence, statistics); nil leaves them out.
	Incidents *reactive.Service
	Evidence  *evidence.Service
	// Now is the clock the pages' date pickers start from; nil means the wall clock.
	Now func() time.Time
	// Courses serve /courses (SLA M-4.2) and WhiteHat /whitehat (seed §6); nil
	// leaves their pages out.
	Courses  *course.Courses
	WhiteHat *whitehat.Programme

	r              *renderer
	public         *publicPages // registry_public.go
	incidentPanels []IncidentPanel
}

// New checks that every domain service the pages need is wired in and prepares the
// templates; the error names each missing dependency. Optional parts (Desk,
// Registry, Catalog, OIDC, PDF, BaseURL) may be nil: their pages are left out.
func New(s *Server) (*Server, error) {
	var missing []string
	need := func(ok bool, name string) {
		if !ok {
			missing = append(missing, name)
		}
	}
	need(s.Auth != nil, "Auth")
	need(s.Log != nil, "Log")
	need(s.Sessions != nil, "Sessions")
	need(s.Accounts != nil, "Accounts")
	need(s.Applications != nil, "Applications")
	need(s.Services != nil, "Services")
	need(s.Cases != nil, "Cases")
	need(s.Calendar != nil, "Calendar")
	need(s.Complaints != nil, "Complaints")
	need(s.Outages != nil, "Outages")
	need(s.KPI != nil, "KPI")
	if len(missing) > 0 {
		return nil, fmt.Errorf("web: missing %s", strings.Join(missing, ", "))
	}
	if err := s.Init(); err != nil {
		return nil, err
	}
	return s, nil
}

// Init parses templates and hashes assets; call once before Routes.
func (s *Server) Init() error {
	a, err := loadAssets()
	if err != nil {
		return err
	}
	s.r, err = newRenderer(a)
	if err == nil {
		s.addIncidentLinks() // the incident page links dispatch, consent and reports
	}
	return err
}

// Routes registers the pages on mux.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.Handle("GET /assets/", s.r.assets)
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.form(s.loginSubmit))
	mux.HandleFunc("GET /login/totp", s.totpForm)
	mux.HandleFunc("POST /login/totp", s.form(s.totpSubmit))
	mux.HandleFunc("POST /logout", s.form(s.logout))
	mux.HandleFunc("POST /lang", s.langForm(s.switchLang)) // lang.go: no token for anonymous visitors
	mux.HandleFunc("GET /profile", s.signedIn(s.profile))
	mux.HandleFunc("POST /profile/acting", s.form(s.signedIn(s.switchActing)))
	mux.HandleFunc("GET /org/members", s.signedIn(s.orgMembers))
	mux.HandleFunc("POST /org/members", s.form(s.signedIn(s.orgAddMember)))
	mux.HandleFunc("POST /org/members/remove", s.form(s.signedIn(s.orgRemoveMember)))
	mux.HandleFunc("GET /totp/enrol", s.enrolForm)
	s.registryRoutes(mux)
	mux.HandleFunc("POST /totp/enrol", s.form(s.enrolSubmit))
	s.identityRoutes(mux) // /register, /profile/mobile, /login/oidc
	s.securityRoutes(mux) // /profile/password, /profile/tokens, /profile/signout-everywhere
	s.caseRoutes(mux)
	s.documentRoutes(mux) // a case's document, as an attachment
	s.deskRoutes(mux)
	s.accountabilityRoutes(mux)
	s.calendarRoutes(mux) // /admin/calendar: holidays and working weeks (SLA-CLOCK rules 5, 6)
	s.complaintRoutes(mux)
	s.certifyRoutes(mux) // CERTIFY application form, review checklist
	s.serviceRoutes(mux) // /services, /changes, /admin/services
	// /admin/accounts, /password/forgot and /password/reset (security #11)
	s.adminAccountRoutes(mux)
	s.adminRoutes(mux) // /admin index, /admin/audit
	s.resetRoutes(mux)
	s.noticeRoutes(mux)    // /inbox, /profile/notices, /admin/roster, /dev/outbox
	s.slaReportRoutes(mux) // /reports, /reports.atom, /cases/{code}/statement (issue 20)
	s.billingRoutes(mux)   // /invoices, /payments/callback, /billing/reports (§6)
	s.proactiveRoutes(mux)
	s.advisoryRoutes(mux)    // /advisories, /cert/advisories, /.well-known/csaf/, security.txt (M-4.1)
	s.advisoryAckRoutes(mux) // advisories applied, /org/advisories, /cert/advisories/coverage
	// CERT dispatch, consent, technical reports and vulnerability disclosure (issue 15).
	s.certWorkRoutes(mux)
	s.incidentRoutes(mux) // CERT incidents: /cert/report, /cert/queue, /cases/{code}/incident, /cert/stats
	s.uxRoutes(mux)       // /work landing after sign-in, /cases/{code}/receipt (issue 13)
	s.courseRoutes(mux)   // /courses, /courses.atom, certificates of attendance, /whitehat
}

// page builds the common page data.
func (s *Server) page(r *http.Request, title string) *Page {
	c := httpauth.FromContext(r.Context())
	lang := i18n.FromRequest(r)
	if c.Principal != nil && r.URL.Query().Get("lang") == "" {
		if ck, err := r.Cookie("lang"); err != nil || ck.Value == "" {
			lang = i18n.Parse(c.Principal.Lang)
		}
	}
	p := &Page{Lang: lang, Caller: c, Path: r.URL.Path, Version: s.Version,
		Errors: map[string]string{}, Form: map[string]string{}, labels: newLabeler(r.Context(), s.Services)}
	if title != "" {
		p.Title = i18n.T(lang, title)
	}
	if s.Banner != nil {
		p.Banner = s.Banner(r.Context(), lang)
	}
	p.Unread = s.unread(r.Context(), c)
	if org, ok := s.actingFor(r.Context(), c.Principal); ok {
		p.ActingFor = org.In(string(lang))
	}
	if f, err := r.Cookie("flash"); err == nil {
		p.Flash = i18n.T(lang, f.Value)
	}
	return p
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	if err := s.r.render(w, status, name, p); err != nil {
		s.Log.ErrorContext(r.Context(), "render failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// Fail renders a localised error page for err; the cause is logged, never shown.
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) {
	pe := problem.Classify(err)
	status := problem.Status(pe.Code)
	if status >= 500 {
		logFailure(s.Log, r, err)
	}
	if pe.Code == problem.Unavailable {
		w.Header().Set("Retry-After", "5")
	}
	if pe.Code == problem.RateLimited {
		httpauth.SetRetryAfter(w, err) // Security #4: every 429 says when to come back
	}
	p := s.page(r, "error.title")
	p.Data = map[string]any{"Status": status, "Message": i18n.T(p.Lang, pe.Key, pe.Args...)}
	s.render(w, r, status, "error", p)
}

// NotFound renders the localised 404 page.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.Fail(w, r, problem.New(problem.NotFound, "error.not_found"))
}

// form wraps a state-changing handler: body size limit, CSRF check and the text
// check of every field.
func (s *Server) form(h http.HandlerFunc) http.HandlerFunc {
	return s.formUpTo(64<<10, "64 KB", h)
}

// signedIn sends anonymous visitors to the login page.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if httpauth.FromContext(r.Context()).Principal == nil {
			http.Redirect(w, r, "/login?next="+r.URL.Path, http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// flash sets a one-shot message key shown on the next page.
func flash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: "flash", Value: key, Path: "/", MaxAge: 10, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func clearFlash(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie("flash"); err == nil {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", Path: "/", MaxAge: -1})
	}
}

// serviceCard is a service on the home page.
type serviceCard struct {
	ID, NameFa, NameEn, SummaryFa, SummaryEn string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "home.title")
	clearFlash(w, r)
	var cards []serviceCard
	if s.Services != nil {
		svcs, err := s.Services(r.Context())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, svc := range svcs {
			cards = append(cards, serviceCard{ID: svc.ID, NameFa: svc.Name.FA, NameEn: svc.Name.EN,
				SummaryFa: svc.ResponsibleUnit.FA, SummaryEn: svc.ResponsibleUnit.EN})
		}
	}
	p.Data = cards
	s.render(w, r, http.StatusOK, "home", p)
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Parse(r.PostFormValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	if c := httpauth.FromContext(r.Context()); c.Principal != nil {
		if err := s.Accounts.SetLanguage(r.Context(), c.Principal.ID, string(lang)); err != nil {
			logFailure(s.Log, r, err) // the cookie still switches the language
		}
	}
	http.Redirect(w, r, localPath(r.PostFormValue("back")), http.StatusSeeOther)
}

// localPath keeps redirects on this site (Security #11 item 6): it returns p only
// when p is a path on this host that no browser could resolve elsewhere, and "/"
// otherwise. Refused: anything not starting with one "/", scheme-relative "//x",
// backslashes (browsers read a backslash as "/"), control and bidi-format characters
// anywhere (browsers drop tab and newline, so "/\t/x" would become "//x"), invalid
// UTF-8, and the same tricks hidden behind percent-encoding ("/%09/x", "/%2F/x").
func localPath(p string) string {
	const home = "/"
	if !safeLocal(p) {
		return home
	}
	dec, err := url.PathUnescape(p)
	if err != nil || !safeLocal(dec) {
		return home
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	return p
}

// safeLocal reports whether p starts with exactly one slash and holds no
// backslash, control or format character, and is valid UTF-8.
func safeLocal(p string) bool {
	if len(p) == 0 || p[0] != '/' || strings.HasPrefix(p, "//") || !utf8.ValidString(p) {
		return false
	}
	for _, r := range p {
		if r == '\\' || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) && r != ' ' {
			return false
		}
	}
	return true
}
