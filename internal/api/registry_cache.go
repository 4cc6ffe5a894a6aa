package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/itoir/miz/internal/certify"
)

// lookupCache keeps the JSON of recently looked-up certificates, the registry's
// busiest read, so a lookup costs no database work while the registry is
// unchanged. Changes made through this process's Registry empty it at once; the
// revision in the database, asked at most every recheck, catches changes made by
// other instances sharing the database.
type lookupCache struct {
	reg     *certify.Registry
	recheck time.Duration
	limit   int
	now     func() time.Time

	mu       sync.Mutex
	revision int64
	local    int64
	checked  time.Time
	entries  map[string]cachedJSON
}

// cachedJSON is a response body with its strong ETag.
type cachedJSON struct {
	body []byte
	etag string
}

func newLookupCache(reg *certify.Registry) *lookupCache {
	return &lookupCache{reg: reg, recheck: 250 * time.Millisecond, limit: 10000, now: time.Now,
		revision: -2, entries: map[string]cachedJSON{}}
}

// current returns the registry revision the cache holds, dropping every entry
// when the registry has changed since.
func (c *lookupCache) current(ctx context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	local := c.reg.LocalChanges()
	if local == c.local && c.now().Sub(c.checked) < c.recheck {
		return c.revision, nil
	}
	rev, err := c.reg.Revision(ctx)
	if err != nil {
		return 0, err
	}
	if rev != c.revision {
		clear(c.entries)
	}
	c.revision, c.local, c.checked = rev, local, c.now()
	return rev, nil
}

// get returns the cached answer for number, if the registry has not changed.
func (c *lookupCache) get(ctx context.Context, number string) (cachedJSON, int64, bool, error) {
	rev, err := c.current(ctx)
	if err != nil {
		return cachedJSON{}, 0, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[number]
	return e, rev, ok && rev == c.revision, nil
}

// put keeps body, read at revision rev, unless the registry has moved on since.
func (c *lookupCache) put(number string, rev int64, body []byte) cachedJSON {
	sum := sha256.Sum256(body)
	e := cachedJSON{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	c.mu.Lock()
	defer c.mu.Unlock()
	if rev == c.revision && c.reg.LocalChanges() == c.local {
		if len(c.entries) >= c.limit {
			clear(c.entries)
		}
		c.entries[number] = e
	}
	return e
}

// cachedCertificate serves GET /api/v1/registry/certificates/{number} from the
// cache, loading and keeping the answer on a miss.
func (a *API) cachedCertificate(cache *lookupCache) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		number := certify.CanonicalNumber(r.PathValue("number"))
		e, rev, ok, err := cache.get(r.Context(), number)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !ok {
			body, err := a.certificateJSON(r.Context(), number)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			e = cache.put(number, rev, body)
		}
		writeTagged(w, r, "application/json; charset=utf-8", e.body, e.etag)
	}
}
