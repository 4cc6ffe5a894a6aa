package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/slareport"
)

// slaReportRoutes serves the signed monthly SLA reports to the public and the signed
// case statement to its applicant (issue 20); without Reports they are left out.
func (s *Server) slaReportRoutes(mux *http.ServeMux) {
	if s.Reports == nil || s.Statements == nil {
		return
	}
	mux.HandleFunc("GET /reports", s.slaReportsPage)
	mux.HandleFunc("GET /reports.atom", s.slaReportsFeed)
	mux.HandleFunc("GET /reports/{service}/{period}", s.slaReportPage)
	mux.HandleFunc("GET /cases/{code}/statement", s.signedIn(s.statementDownload))
}

func (s *Server) slaReportsPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "report.list.title")
	list, err := s.Reports.List(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	items := make([]reportItem, len(list))
	for i, pub := range list {
		items[i] = reportItem{Published: pub, Month: jalaliMonthOf(p.Lang, pub.From)}
	}
	p.Data = items
	s.render(w, r, http.StatusOK, "reports", p)
}

// slaReportPage shows one report: a figure for every obligation, the log index, and
// how to check it with `miz verify report`.
func (s *Server) slaReportPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "report.title")
	service, period := r.PathValue("service"), r.PathValue("period")
	var (
		pub *slareport.Published
		err error
	)
	if v := r.URL.Query().Get("version"); v != "" {
		n, cerr := strconv.Atoi(v)
		if cerr != nil || n < 1 {
			s.NotFound(w, r)
			return
		}
		pub, err = s.Reports.Get(r.Context(), service, period, n)
	} else {
		pub, err = s.Reports.Latest(r.Context(), service, period)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	base := s.siteBase()
	if base == "" {
		base = "https://…"
	}
	p.Data = reportPageData{Published: pub, Month: jalaliMonthOf(p.Lang, pub.From), LastDay: pub.To.Add(-time.Nanosecond),
		Obligations: reportView(p, pub), Command: fmt.Sprintf("miz verify report --server %s %s %s --version %d", base, pub.Service, pub.Period, pub.Version),
		Next: pub.Version + 1}
	s.render(w, r, http.StatusOK, "report", p)
}

// slaReportsFeed lists every report as an Atom 1.0 feed, newest first.
func (s *Server) slaReportsFeed(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	list, err := s.Reports.List(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	base := s.siteBase()
	if base == "" { // Security #11 item 12: no links from the Host header
		s.Fail(w, r, problem.New(problem.NotFound, "hardening.feed.no_base_url"))
		return
	}
	f := atom{Lang: string(lang), Title: i18n.T(lang, "report.feed"), ID: base + "/reports.atom",
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Link: atomLink{Href: base + "/reports"}}
	for i, pub := range list {
		at := pub.IssuedAt.UTC().Format(time.RFC3339)
		if i == 0 {
			f.Updated = at
		}
		href := fmt.Sprintf("%s/reports/%s/%s?version=%d", base, pub.Service, pub.Period, pub.Version)
		summary := i18n.T(lang, "report.feed.summary", pub.LogIndex)
		if pub.Replaces != "" {
			summary += " " + i18n.T(lang, "report.replaces", pub.Replaces)
		}
		f.Entries = append(f.Entries, atomEntry{Title: i18n.T(lang, "report.feed.entry", pub.ServiceName.In(string(lang)), pub.Period, pub.Version),
			ID: href, Updated: at, Link: atomLink{Href: href}, Summary: summary, Author: i18n.T(lang, "catalog.changes.author")})
	}
	s.writeFeed(w, r, f)
}

// statementDownload gives the applicant their case's signed statement as a file to
// keep, verifiable with `miz verify statement`.
func (s *Server) statementDownload(w http.ResponseWriter, r *http.Request) {
	st, err := s.Statements.Issue(r.Context(), httpauth.FromContext(r.Context()).Principal, r.PathValue("code"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="miz-statement-`+st.Statement.TrackingCode+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(st)
}

// reportItem is one line of the report list.
type reportItem struct {
	*slareport.Published
	Month string
}

// reportPageData is a report with what its page shows beside the figures.
type reportPageData struct {
	*slareport.Published
	Month       string
	LastDay     time.Time
	Obligations []obligationView
	Command     string
	Next        int
}

// jalaliMonthOf names the Jalali month that starts at t: "آذر ۱۴۰۵", "Azar 1405".
func jalaliMonthOf(l i18n.Lang, t time.Time) string {
	d := jalali.FromTime(t)
	if l == i18n.En {
		return fmt.Sprintf("%s %d", jalali.MonthNameEn(d.Month), d.Year)
	}
	return persian.PersianDigits(fmt.Sprintf("%s %d", jalali.MonthNameFa(d.Month), d.Year))
}
