package api

import (
	"context"
	"net/http"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/pubcache"
)

// certificateCacheControl lets browsers keep a lookup but ask again each time (a
// 304 when unchanged), and shared caches answer for one second without asking:
// a suspended or revoked certificate shows as such at once in a browser, and
// within two seconds behind nginx, which counts whole seconds (issue 18,
// deploy/nginx/miz.conf).
const certificateCacheControl = "public, max-age=0, must-revalidate, s-maxage=1"

var certificateHeaders = pubcache.NewHeaders("application/json; charset=utf-8", certificateCacheControl, "")

// newLookupCache keeps the JSON of looked-up certificates, the registry's busiest
// read, ready to send (bytes, gzip form, ETags) while the registry's revision is
// unchanged: a change made through this process shows on the next request, one
// made by another instance sharing the database within Recheck (250 ms).
func newLookupCache(reg *certify.Registry) *pubcache.Cache { return pubcache.New(reg, 10000) }

// lookupCache is the API's lookup cache, made at first use (routes are declared
// once, at start).
func (a *API) lookupCache() *pubcache.Cache {
	if a.lookups == nil {
		a.lookups = newLookupCache(a.Registry)
	}
	return a.lookups
}

// lookupEntry is the prepared answer for the certificate number, kept under the
// spelling asked for (normalising it costs more than the rest of a cached lookup).
func (a *API) lookupEntry(ctx context.Context, cache *pubcache.Cache, number string) (*pubcache.Entry, error) {
	return cache.Get(ctx, number, func(ctx context.Context) ([]byte, error) {
		return a.certificateJSON(ctx, certify.CanonicalNumber(number))
	})
}

// cachedCertificate serves GET /api/v1/registry/certificates/{number} on the full
// chain (a signed-in caller, a query string, an unknown number).
func (a *API) cachedCertificate(cache *pubcache.Cache) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e, err := a.lookupEntry(r.Context(), cache, r.PathValue("number"))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		pubcache.Write(w, r, e, certificateHeaders)
	}
}

// PublicLookup answers a credential-free lookup by number from the prepared
// entries, ahead of the middleware (see server.PublicRoute), or returns 0 to leave
// it to the full chain: a query string (checked there), an unknown number or a
// database that cannot be asked (answered there with the usual errors).
func (a *API) PublicLookup() (prefix, pattern string, read func(w http.ResponseWriter, r *http.Request, rest string) int) {
	if a.Registry == nil {
		return "", "", nil
	}
	cache := a.lookupCache()
	return "/api/v1/registry/certificates/", "GET /api/v1/registry/certificates/{number}",
		func(w http.ResponseWriter, r *http.Request, rest string) int {
			if r.URL.RawQuery != "" {
				return 0
			}
			e, err := a.lookupEntry(r.Context(), cache, rest)
			if err != nil {
				return 0
			}
			return pubcache.Write(w, r, e, certificateHeaders)
		}
}
