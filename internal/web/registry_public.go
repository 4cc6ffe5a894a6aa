package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/pubcache"
)

// certificatePageHeaders: like the JSON lookup (api/registry_cache.go), browsers
// ask again each time and shared caches may answer for a second. The page depends
// on the language cookie, hence Vary: Cookie.
var certificatePageHeaders = pubcache.NewHeaders("text/html; charset=utf-8", "public, max-age=0, must-revalidate, s-maxage=1", "Cookie")

// bannerRecheck is how long the outage banner read for public pages is reused.
const bannerRecheck = 250 * time.Millisecond

// publicPages keeps the anonymous certificate pages ready to send (issue 18).
type publicPages struct {
	cache *pubcache.Cache

	mu      sync.Mutex
	banners map[i18n.Lang]bannerAt
	now     func() time.Time
}

type bannerAt struct {
	text string
	at   time.Time
}

// preparePublic makes the prepared-page cache (at start: routes are declared once).
func (s *Server) preparePublic() {
	if s.public == nil {
		s.public = &publicPages{cache: pubcache.New(s.Registry, 20000), banners: map[i18n.Lang]bannerAt{}, now: time.Now}
	}
}

var errHasForm = errors.New("web: the page renders a form")

// banner is the outage banner in lang, read again at most every bannerRecheck:
// a page kept ready is kept per banner, so a new outage notice shows within that.
func (s *Server) banner(ctx context.Context, lang i18n.Lang) string {
	if s.Banner == nil {
		return ""
	}
	pp := s.public
	now := pp.now()
	pp.mu.Lock()
	b, ok := pp.banners[lang]
	pp.mu.Unlock()
	if ok && now.Sub(b.at) < bannerRecheck {
		return b.text
	}
	text := s.Banner(ctx, lang)
	pp.mu.Lock()
	pp.banners[lang] = bannerAt{text: text, at: now}
	pp.mu.Unlock()
	return text
}

// PublicCertificatePage answers an anonymous GET /registry/{number} from the
// prepared pages ahead of the middleware (see server.PublicRoute), or returns 0
// to leave it to the full chain: a query string other than the language, an
// unknown number, a database that cannot be asked, a page that would need a form
// token. The page is kept per language, path and outage banner, and dropped when
// the registry's revision moves (a change here shows on the next request).
func (s *Server) PublicCertificatePage() (prefix, pattern string, read func(w http.ResponseWriter, r *http.Request, rest string) int) {
	if s.Registry == nil {
		return "", "", nil
	}
	s.preparePublic()
	return "/registry/", "GET /registry/{number}", func(w http.ResponseWriter, r *http.Request, rest string) int {
		if strings.IndexByte(rest, '.') >= 0 { // feed.atom, not a number
			return 0
		}
		if q := r.URL.RawQuery; q != "" && q != "lang=fa" && q != "lang=en" {
			return 0
		}
		lang := i18n.FromRequest(r)
		banner := s.banner(r.Context(), lang)
		key := string(lang) + "\x00" + banner + "\x00" + r.URL.Path
		e, err := s.public.cache.Get(r.Context(), key, func(ctx context.Context) ([]byte, error) {
			c := httpauth.Public()
			rr := r.WithContext(httpauth.WithCaller(ctx, c))
			p, err := s.certificateData(rr, rest)
			if err != nil {
				return nil, err
			}
			p.Banner = banner
			b, err := s.r.bytes("certificate", p)
			if err == nil && c.FormAsked() {
				err = errHasForm
			}
			return b, err
		})
		if err != nil {
			return 0
		}
		return pubcache.Write(w, r, e, certificatePageHeaders)
	}
}
