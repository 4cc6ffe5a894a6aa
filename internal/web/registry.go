package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/pubcache"
	"github.com/itoir/miz/internal/tlog"
)

// registryRoutes registers the public registry pages (SLA Z-4.1), the issuer's
// JWKS and the transparency log. Without a registry nothing is registered.
func (s *Server) registryRoutes(mux *http.ServeMux) {
	if s.Registry == nil {
		return
	}
	s.preparePublic()
	mux.HandleFunc("GET /registry", s.registrySearch)
	mux.HandleFunc("GET /registry/feed.atom", s.registryFeed)
	mux.HandleFunc("GET /registry/{number}", s.certificatePage)
	mux.HandleFunc("GET /registry/{number}/print", s.certificatePrint)
	mux.HandleFunc("GET /registry/{number}/pdf", s.certificatePDF)
	mux.HandleFunc("GET /registry/{number}/qr.png", s.certificateQR)
	mux.HandleFunc("GET /.well-known/jwks.json", s.jwks)
	mux.HandleFunc("GET /log/key", s.logKey)
	mux.Handle("GET /log/", tlog.Handler(s.Registry.Log))
}

// badge maps a status to the badge style of the stylesheet.
func badge(st certify.Status) string {
	switch st {
	case certify.Active:
		return "ok"
	case certify.Suspended:
		return "warn"
	case certify.Revoked:
		return "bad"
	}
	return ""
}

// registryView is the data of the registry page.
type registryView struct {
	Query      certify.Query
	Results    certify.Results
	Statuses   []certify.Status
	Categories []categoryOption
	PrevURL    string
	NextURL    string
}

type categoryOption struct{ ID, Fa, En string }

func (s *Server) registrySearch(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "certify.registry.title")
	q := r.URL.Query()
	query := certify.Query{Q: q.Get("q"), Category: q.Get("category"), VendorID: q.Get("vendor_id")}
	if st := certify.Status(q.Get("status")); st.Valid() {
		query.Status = st
	}
	query.Page, _ = strconv.Atoi(q.Get("page"))
	if query.Page < 1 || query.Page > 100000 {
		query.Page = 1
	}
	res, err := s.Registry.Search(r.Context(), query)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := registryView{Query: query, Results: res, Statuses: certify.Statuses()}
	for _, c := range s.Registry.Categories {
		v.Categories = append(v.Categories, categoryOption{ID: c.ID, Fa: c.Name.FA, En: c.Name.EN})
	}
	pageURL := func(n int) string {
		u := url.Values{}
		for k, vs := range q {
			u[k] = vs
		}
		u.Set("page", strconv.Itoa(n))
		return "/registry?" + u.Encode()
	}
	if res.Page > 1 {
		v.PrevURL = pageURL(res.Page - 1)
	}
	if res.Page < res.Pages() {
		v.NextURL = pageURL(res.Page + 1)
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "registry", p)
}

// certificateView is the data of a certificate's page.
type certificateView struct {
	C         certify.Certificate
	History   []certify.Event
	Badge     string
	Category  categoryOption
	VerifyURL string
}

func (s *Server) loadCertificate(w http.ResponseWriter, r *http.Request) (*Page, bool) {
	p, err := s.certificateData(r, r.PathValue("number"))
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

// certificateData is the page data of the certificate with number (any spelling).
func (s *Server) certificateData(r *http.Request, number string) (*Page, error) {
	ctx := r.Context()
	c, err := s.Registry.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	h, err := s.Registry.History(ctx, c.Number)
	if err != nil {
		return nil, err
	}
	v := certificateView{C: c, History: h, Badge: badge(c.Status), Category: categoryOption{ID: c.Category, Fa: c.Category, En: c.Category},
		VerifyURL: s.siteBase() + "/registry/" + c.Number}
	for _, cat := range s.Registry.Categories {
		if cat.ID == c.Category {
			v.Category = categoryOption{ID: cat.ID, Fa: cat.Name.FA, En: cat.Name.EN}
		}
	}
	p := s.page(r, "")
	p.Title = c.Number
	p.Data = v
	return p, nil
}

// certificatePage serves /registry/{number} on the full chain (a signed-in
// visitor, a flash message, a query string other than lang): rendered afresh.
func (s *Server) certificatePage(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadCertificate(w, r); ok {
		s.render(w, r, http.StatusOK, "certificate", p)
	}
}

// certificateQR serves a QR code of the certificate's verify page.
func (s *Server) certificateQR(w http.ResponseWriter, r *http.Request) {
	c, err := s.Registry.Get(r.Context(), r.PathValue("number"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	b, err := qrPNG(s.siteBase() + "/registry/" + c.Number) // issue 13: absolute, so a scanned print verifies
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(b)
}

func qrPNG(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	if code, err = barcode.Scale(code, 256, 256); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = png.Encode(&buf, code)
	return buf.Bytes(), err
}

func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.Registry.Keys.JWKS())
}

// logKey publishes the log's signed-note verifier key, for `miz verify --log-key`.
func (s *Server) logKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.Registry.LogKeys()
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(k[0] + "\n"))
}

// atom is an Atom 1.0 feed (RFC 4287).
type atom struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    atomLink    `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
	Author  string   `xml:"author>name"`
}

// registryFeedHeaders: the feed changes only with the registry, so it is kept
// ready per language and revalidated like a lookup (issue 18, issue 19).
var registryFeedHeaders = pubcache.NewHeaders("application/atom+xml; charset=utf-8", "public, max-age=0, must-revalidate, s-maxage=1", "Cookie")

// registryFeed serves issuances and status changes, newest first, with an ETag
// (304 when the reader has it).
func (s *Server) registryFeed(w http.ResponseWriter, r *http.Request) {
	lang := i18n.FromRequest(r)
	e, err := s.public.cache.Get(r.Context(), "feed\x00"+string(lang), func(ctx context.Context) ([]byte, error) {
		return s.registryFeedBytes(ctx, lang)
	})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	pubcache.Write(w, r, e, registryFeedHeaders)
}

// registryFeedBytes is the Atom feed of the latest 100 events in lang.
func (s *Server) registryFeedBytes(ctx context.Context, lang i18n.Lang) ([]byte, error) {
	es, err := s.Registry.Recent(ctx, 100)
	if err != nil {
		return nil, err
	}
	base := s.siteBase()
	f := atom{Lang: string(lang), Title: i18n.T(lang, "certify.feed.title"), ID: base + "/registry/feed.atom",
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Link: atomLink{Href: base + "/registry"}}
	for i, e := range es {
		at := e.At.UTC().Format(time.RFC3339)
		if i == 0 {
			f.Updated = at
		}
		product := e.ProductName.FA
		if lang == i18n.En && e.ProductName.EN != "" {
			product = e.ProductName.EN
		}
		title := i18n.T(lang, "certify.feed.issue", e.Number, product)
		switch e.Kind {
		case "issue":
		case certify.EventResigned:
			title = i18n.T(lang, "certify.feed.resigned", e.Number)
		default:
			title = i18n.T(lang, "certify.feed.status", e.Number, i18n.T(lang, "certify.status."+string(e.ToStatus)))
		}
		f.Entries = append(f.Entries, atomEntry{Title: title, ID: base + "/log#" + strconv.FormatInt(e.TlogIndex, 10),
			Updated: at, Link: atomLink{Href: base + "/registry/" + e.Number}, Summary: e.Reason, Author: i18n.T(lang, "certify.print.issuer")})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
