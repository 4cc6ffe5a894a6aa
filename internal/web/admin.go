package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/oversight"
	"github.com/itoir/miz/internal/problem"
)

// adminRoutes registers the administration index and the audit-log viewer (issue 13,
// "/admin as a real index"; "an audit-log viewer with filters and the chain status").
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin", s.signedIn(s.adminIndex))
	if s.Oversight != nil {
		mux.HandleFunc("GET /admin/audit", s.signedIn(s.adminAudit))
		mux.HandleFunc("POST /admin/audit/verify", s.form(s.signedIn(s.adminAuditVerify)))
	}
}

// adminTool is one entry of the administration index.
type adminTool struct{ Href, Title, Text string }

// adminIndex lists the administration tools the caller may use, each with what it
// is for; a person with none is refused.
func (s *Server) adminIndex(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "admin.index.title")
	who := caller(r)
	var tools []adminTool
	add := func(href, key string) {
		tools = append(tools, adminTool{href, p.T(key + ".title"), p.T(key + ".text")})
	}
	if who.Admin {
		add("/admin/accounts", "admin.tool.accounts")
	}
	if p.Editor() {
		add("/admin/services", "admin.tool.services")
	}
	if authz.Decide(who, authz.Create, authz.Resource{Kind: authz.Calendar}) {
		add("/admin/calendar", "admin.tool.calendar")
	}
	if authz.Decide(who, authz.Create, authz.Resource{Kind: authz.Outage}) {
		add("/admin/outages", "admin.tool.outages")
	}
	if who.Admin && s.Oversight != nil {
		add("/admin/audit", "admin.tool.audit")
	}
	if len(tools) == 0 {
		s.Fail(w, r, problem.New(problem.Forbidden, "oversight.forbidden"))
		return
	}
	p.Data = tools
	s.render(w, r, http.StatusOK, "admin", p)
}

// adminAudit shows the audit log, newest first, filtered by who, what, which object
// and when (Jalali or Gregorian days), page by page.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	s.renderAudit(w, r, nil)
}

func (s *Server) adminAuditVerify(w http.ResponseWriter, r *http.Request) {
	st, err := s.Oversight.VerifyChain(r.Context(), caller(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.renderAudit(w, r, &st)
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, chain *oversight.ChainStatus) {
	p := s.page(r, "admin.audit.title")
	q := r.URL.Query()
	f := oversight.Filter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		ObjectKind: strings.TrimSpace(q.Get("kind")), ObjectID: strings.TrimSpace(q.Get("object"))}
	for _, k := range []string{"actor", "action", "kind", "object", "from", "to"} {
		p.Form[k] = q.Get(k)
	}
	status := http.StatusOK
	day := func(field string) time.Time {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			return time.Time{}
		}
		d, err := parseDay(v)
		if err != nil {
			p.Errors[field] = p.T("admin.audit.bad_day")
			status = http.StatusBadRequest
			return time.Time{}
		}
		return d.In(jalali.Tehran())
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole last day
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	var page *oversight.Page
	if status == http.StatusOK {
		var err error
		page, err = s.Oversight.Entries(r.Context(), caller(r), f)
		if pe := problem.As(err); err != nil && pe.Field != "" {
			p.Errors[pe.Field] = p.T(pe.Key, pe.Args...)
			status = http.StatusBadRequest
		} else if err != nil {
			s.Fail(w, r, err)
			return
		}
	} else if !caller(r).Admin {
		s.Fail(w, r, problem.New(problem.Forbidden, "oversight.forbidden"))
		return
	}
	if page == nil {
		page = &oversight.Page{}
	}
	next := ""
	if page.Next > 0 {
		v := r.URL.Query()
		v.Set("before", strconv.FormatInt(page.Next, 10))
		next = "/admin/audit?" + v.Encode()
	}
	p.Data = map[string]any{"Page": page, "Next": next, "Chain": chain, "Fields": []string{"actor", "action", "kind", "object", "from", "to"}, "Today": jalali.FromTime(time.Now().In(jalali.Tehran())).String()}
	s.render(w, r, status, "admin_audit", p)
}
