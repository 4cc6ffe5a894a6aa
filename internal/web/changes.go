package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
)

// changesPage is the public list of changes to the catalog (SLA C-4.6).
func (s *Server) changesPage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "catalog.changes.title")
	ch, err := s.Catalog.Changes(r.Context(), 100)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = ch
	s.render(w, r, http.StatusOK, "changes", p)
}

// changesFeed serves the changes as an Atom 1.0 feed, newest first (SLA C-4.6), so
// that applicants and agencies can follow them without visiting the desk.
func (s *Server) changesFeed(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	ch, err := s.Catalog.Changes(r.Context(), 100)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	base := s.siteBase()
	if base == "" {
		// Security #11 item 12: a cacheable feed must not carry links built from a
		// Host header an attacker chose.
		s.Fail(w, r, problem.New(problem.NotFound, "hardening.feed.no_base_url"))
		return
	}
	f := atom{Lang: string(lang), Title: i18n.T(lang, "catalog.changes.feed"), ID: base + "/changes.atom",
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Link: atomLink{Href: base + "/changes"}}
	for i, c := range ch {
		at := c.PublishedAt.UTC().Format(time.RFC3339)
		if i == 0 {
			f.Updated = at
		}
		l := string(lang)
		summary := c.Summary.In(l)
		if summary == "" {
			summary = c.Summary.FA
		}
		f.Entries = append(f.Entries, atomEntry{
			Title:   i18n.T(lang, "catalog.changes.entry", c.Name.In(l), c.Version),
			ID:      fmt.Sprintf("%s/changes#change-%d", base, c.ID),
			Updated: at,
			Link:    atomLink{Href: fmt.Sprintf("%s/services/%s/sla?version=%d", base, c.Service, c.Version)},
			Summary: summary + " " + i18n.T(lang, "catalog.changes.effective", c.EffectiveFrom.In(jalali.Tehran()).Format("2006-01-02")),
			Author:  i18n.T(lang, "catalog.changes.author"),
		})
	}
	s.writeFeed(w, r, f)
}

// siteBase is the desk's configured public address for absolute links, without a
// trailing slash, or "" when there is none. It never comes from the request: the
// Host header is the client's to choose (Security #11 item 12).
func (s *Server) siteBase() string {
	if s.BaseURL != nil {
		if b := s.BaseURL(); b != "" {
			return strings.TrimRight(b, "/")
		}
	}
	if s.Registry != nil && s.Registry.BaseURL != "" {
		return strings.TrimRight(s.Registry.BaseURL, "/")
	}
	return ""
}
