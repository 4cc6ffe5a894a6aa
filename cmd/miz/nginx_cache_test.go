package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/store"
)

// nginxRegistryCache: issue 18 and issue 19, the public registry behind
// deploy/nginx/miz.conf. A lookup, its page and the registry feed carry no cookie,
// so a repeated anonymous read is a cache HIT; a signed-in (cookie) read never is.
// Miz allows a shared cache one second (s-maxage=1), which nginx, counting whole
// seconds, holds for one to two: a revocation shows through nginx within two
// seconds, when nginx revalidates with the ETag and Miz answers with the new
// state; an unchanged answer revalidates with a 304.
func nginxRegistryCache(t *testing.T, m *Main, p *proxy) {
	ctx := context.Background()
	if err := m.Registry.SeedBulk(ctx, 2, nil); err != nil {
		t.Fatal(err)
	}
	res, err := m.Registry.Search(ctx, certify.Query{Status: certify.Active})
	if err != nil || len(res.Items) == 0 {
		t.Fatalf("no certificate: %v", err)
	}
	n := res.Items[0].Number
	c := p.client("127.0.0.2")
	get := func(path string, hdr ...string) (string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", p.https+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s through nginx: %d", path, resp.StatusCode)
		}
		if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Fatalf("GET %s set %q", path, sc)
		}
		return resp.Header.Get("X-Cache"), string(b)
	}
	paths := []string{"/api/v1/registry/certificates/" + n, "/registry/" + n + "?lang=en", "/registry/feed.atom"}
	for _, path := range paths {
		first, _ := get(path)
		second, _ := get(path)
		if second != "HIT" {
			t.Fatalf("GET %s twice through nginx: X-Cache %s then %s, want the second a HIT", path, first, second)
		}
	}
	if got, _ := get(paths[0], "Cookie", "miz_session=whoever"); got == "HIT" {
		t.Fatal("a request with a session cookie was answered from the cache")
	}
	if err := m.DB.Update(ctx, func(tx *store.Tx) error {
		_, err := m.Registry.ChangeStatus(ctx, tx, n, certify.Revoked, "key compromise", "signer")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Until then nginx may still answer with what it holds; after, the
	// revalidation brings the new state.
	time.Sleep(2100 * time.Millisecond)
	for path, want := range map[string]string{paths[0]: `"status":"revoked"`, paths[1]: "Revoked", paths[2]: "key compromise"} {
		state, body := get(path)
		if !strings.Contains(body, want) || state == "HIT" {
			t.Fatalf("GET %s two seconds after the revocation: X-Cache %s, %q not shown", path, state, want)
		}
		if again, _ := get(path); again != "HIT" {
			t.Fatalf("GET %s right after its revalidation: X-Cache %s, want HIT", path, again)
		}
	}
	time.Sleep(2100 * time.Millisecond)
	if state, _ := get(paths[0]); state != "REVALIDATED" {
		t.Fatalf("an unchanged lookup after its second: X-Cache %s, want REVALIDATED (a 304 from Miz)", state)
	}
}
