package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
)

// advisoryRoutes registers the advisories' public portal, the editors' desk and
// the CSAF provider (SLA M-4.1); all are left out without an advisory service.
func (s *Server) advisoryRoutes(mux *http.ServeMux) {
	if s.Advisories == nil {
		return
	}
	mux.HandleFunc("GET /advisories", s.advisoryList)
	mux.HandleFunc("GET /advisories/feed.atom", s.advisoryFeed)
	mux.HandleFunc("GET /advisories/{id}", s.advisoryPage)
	mux.HandleFunc("GET /advisories/{id}/files/{file}", s.advisoryFile)
	s.advisoryEditRoutes(mux)
	s.csafRoutes(mux)
}

// advisoryListData is the public list and its search.
type advisoryListData struct {
	Query string
	Items []advisory.Summary
}

// advisoryList is the public list of advisories, searched after Persian
// normalisation; signed-in constituents also see GREEN and AMBER ones.
func (s *Server) advisoryList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	items, err := s.Advisories.List(r.Context(), httpauth.FromContext(r.Context()).Principal, q)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "advisory.list.title")
	p.Data = advisoryListData{Query: q, Items: items}
	s.render(w, r, http.StatusOK, "advisories", p)
}

// advisoryPage shows one published advisory with its revision history and packages.
func (s *Server) advisoryPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.Advisories.Get(r.Context(), httpauth.FromContext(r.Context()).Principal, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p := s.page(r, "")
	p.Title = a.TitleFa
	if p.Lang == i18n.En && a.TitleEn != "" {
		p.Title = a.TitleEn
	}
	clearFlash(w, r)
	p.Data = s.advisoryAckView(r, a)
	s.render(w, r, http.StatusOK, "advisory", p)
}

// advisoryFile downloads a hardening-guide package, always as an attachment.
func (s *Server) advisoryFile(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		s.NotFound(w, r)
		return
	}
	f, rc, err := s.Advisories.OpenFile(r.Context(), httpauth.FromContext(r.Context()).Principal, r.PathValue("id"), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", f.MIME)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	_, _ = io.Copy(w, rc)
}

// advisoryFeed serves the public advisories as an Atom 1.0 feed, newest first;
// links come from --base-url only, never from the Host header.
func (s *Server) advisoryFeed(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	items, err := s.Advisories.List(r.Context(), nil, "")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	base := s.siteBase()
	f := atom{Lang: string(lang), Title: i18n.T(lang, "advisory.feed.title"), ID: base + "/advisories/feed.atom",
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Link: atomLink{Href: base + "/advisories"}}
	for i, a := range items {
		at := a.Current.UTC().Format(time.RFC3339)
		if i == 0 {
			f.Updated = at
		}
		title := a.TitleFa
		if lang == i18n.En && a.TitleEn != "" {
			title = a.TitleEn
		}
		f.Entries = append(f.Entries, atomEntry{Title: a.TrackingID + ": " + title, ID: base + "/advisories/" + a.TrackingID,
			Updated: at, Link: atomLink{Href: base + "/advisories/" + a.TrackingID}, Summary: a.SummaryFa,
			Author: i18n.T(lang, "advisory.feed.author")})
	}
	s.writeFeed(w, r, f)
}
