package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestLookupCacheShowsChangesAtOnce_Z41 checks that a prepared lookup never hides
// a status change, on SQLite and PostgreSQL, on the full chain's handler and on
// the public read ahead of the middleware (issue 18): one made through this
// process's registry shows on the next request, with a new ETag (a client's
// If-None-Match for the old answer gets the new one, not 304); one made by another
// instance (another Registry on the same database) once the revision is rechecked.
func TestLookupCacheShowsChangesAtOnce_Z41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		_, nums, reg := newRegistryAPIOn(t, db)
		ctx := context.Background()
		var c certify.Certificate
		for _, n := range nums {
			if got, _ := reg.Get(ctx, n); got.Status == certify.Active {
				c = got
				break
			}
		}
		a := &API{Registry: reg, lookups: newLookupCache(reg)}
		clock := time.Now()
		a.lookups.Now = func() time.Time { return clock }
		full := a.cachedCertificate(a.lookups)
		_, _, public := a.PublicLookup()
		lookup := func(fast bool, inm string) (int, string, string) {
			t.Helper()
			req := httptest.NewRequest("GET", "/api/v1/registry/certificates/"+strings.ToLower(c.Number), nil)
			req.SetPathValue("number", strings.ToLower(c.Number))
			if inm != "" {
				req.Header.Set("If-None-Match", inm)
			}
			rec := httptest.NewRecorder()
			if fast {
				if public(rec, req, strings.ToLower(c.Number)) == 0 {
					t.Fatal("the public read declined a known certificate")
				}
			} else {
				full(rec, req)
			}
			return rec.Code, rec.Body.String(), rec.Header().Get("ETag")
		}
		change := func(r *certify.Registry, to certify.Status) {
			t.Helper()
			if err := reg.DB.Update(ctx, func(tx *store.Tx) error {
				_, err := r.ChangeStatus(ctx, tx, c.Number, to, "audit", "signer")
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		for _, fast := range []bool{false, true} {
			code, body, etag := lookup(fast, "")
			if code != http.StatusOK || !strings.Contains(body, `"status":"active"`) || a.lookups.Len() != 1 {
				t.Fatalf("fast=%v: first lookup %d %q, %d cached", fast, code, body, a.lookups.Len())
			}
			if code, _, _ := lookup(fast, etag); code != http.StatusNotModified {
				t.Fatalf("fast=%v: If-None-Match of the current answer: %d", fast, code)
			}
			change(reg, certify.Suspended)
			code, body, etag2 := lookup(fast, etag)
			if code != http.StatusOK || !strings.Contains(body, `"status":"suspended"`) || etag2 == etag {
				t.Fatalf("fast=%v: a change made here was hidden by the cache: %d %q", fast, code, body)
			}
			other := &certify.Registry{DB: reg.DB, Keys: reg.Keys, Log: reg.Log, BaseURL: reg.BaseURL, Issuer: reg.Issuer}
			change(other, certify.Active)
			clock = clock.Add(a.lookups.Recheck)
			if _, body, _ := lookup(fast, ""); !strings.Contains(body, `"status":"active"`) {
				t.Fatalf("fast=%v: another instance's change was hidden after the recheck", fast)
			}
		}
		change(reg, certify.Revoked)
		if _, body, _ := lookup(true, ""); !strings.Contains(body, `"status":"revoked"`) {
			t.Fatal("a revocation was hidden by the cache")
		}
	})
}
