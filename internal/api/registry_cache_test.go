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
)

// TestLookupCacheShowsChangesAtOnce_Z41 checks that a cached lookup never hides a
// status change: one made through this process's registry shows on the next
// request, one made by another instance (another Registry on the same database)
// once the revision is rechecked.
func TestLookupCacheShowsChangesAtOnce_Z41(t *testing.T) {
	_, nums, reg := newRegistryAPI(t)
	ctx := context.Background()
	var c certify.Certificate
	for _, n := range nums {
		if got, _ := reg.Get(ctx, n); got.Status == certify.Active {
			c = got
			break
		}
	}
	a := &API{Registry: reg}
	cache := newLookupCache(reg)
	clock := time.Now()
	cache.now = func() time.Time { return clock }
	h := a.cachedCertificate(cache)
	lookup := func() string {
		req := httptest.NewRequest("GET", "/api/v1/registry/certificates/"+c.Number, nil)
		req.SetPathValue("number", c.Number)
		rec := httptest.NewRecorder()
		h(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("lookup: %d", rec.Code)
		}
		return rec.Body.String()
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
	if !strings.Contains(lookup(), `"status":"active"`) || len(cache.entries) != 1 {
		t.Fatal("first lookup not cached")
	}
	change(reg, certify.Suspended)
	if !strings.Contains(lookup(), `"status":"suspended"`) {
		t.Fatal("a change made here was hidden by the cache")
	}
	other := &certify.Registry{DB: reg.DB, Keys: reg.Keys, Log: reg.Log, BaseURL: reg.BaseURL, Issuer: reg.Issuer}
	change(other, certify.Active)
	clock = clock.Add(cache.recheck)
	if !strings.Contains(lookup(), `"status":"active"`) {
		t.Fatal("another instance's change was hidden after the recheck")
	}
}
