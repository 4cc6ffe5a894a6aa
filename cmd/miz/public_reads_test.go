package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/store"
)

// activeNumber is the number of an active demo certificate.
func activeNumber(t testing.TB, m *Main) string {
	t.Helper()
	res, err := m.Registry.Search(context.Background(), certify.Query{Status: certify.Active})
	if err != nil || len(res.Items) == 0 {
		t.Fatalf("no active certificate: %v", err)
	}
	return res.Items[0].Number
}

var pageAsset = regexp.MustCompile(`/assets/[^"]+\.(css|js)`)

// Issue 18 row 1: an anonymous GET of public JSON, assets, feeds and registry pages
// carries no Set-Cookie (so shared caches keep it); a page with a form (login)
// still hands out the CSRF cookie, a form post without its token is refused and
// one with it is accepted; a page read ahead of the middleware has the same body
// and security headers as the full chain's.
func TestPublicReadsSetNoCookie_Issue18(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	n := activeNumber(t, m)
	_, home := request(t, nil, "GET", m.URL()+"/registry")
	asset := pageAsset.FindString(home)
	if asset == "" {
		t.Fatal("no asset on the registry page")
	}
	for _, p := range []string{"/api/v1/registry/certificates/" + n, "/registry/" + n, "/registry/" + n + "?lang=en",
		"/registry", "/registry/feed.atom", "/changes.atom", "/reports.atom", asset, "/api/v1/services",
		"/api/v1/registry/certificates?q=" + url.QueryEscape("سامانه"), "/.well-known/jwks.json", "/registry/CRT-1405-999999"} {
		resp, _ := request(t, nil, "GET", m.URL()+p)
		if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Errorf("GET %s (%d) set %q", p, resp.StatusCode, sc)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s: security headers or request ID missing", p)
		}
	}
	// The same page through the full chain (a language cookie is not a credential,
	// another cookie is): the same bytes.
	_, fast := request(t, nil, "GET", m.URL()+"/registry/"+n+"?lang=en")
	_, full := request(t, nil, "GET", m.URL()+"/registry/"+n, "Cookie", "lang=en; other=1")
	if fast != full || !strings.Contains(fast, n) {
		t.Error("the page read ahead of the middleware differs from the full chain's")
	}
	// Forms still work: the login page sets the cookie; without the token a post
	// fails, with it the post is taken (a wrong password is a page, not a 403).
	fc := newFormClient(t, m.URL(), nil)
	req, _ := http.NewRequest("POST", m.URL()+"/login", strings.NewReader(url.Values{"username": {"demo-applicant"}, "password": {"x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := fc.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login post without the CSRF token: %d", resp.StatusCode)
	}
	if status, _, _ := fc.post("/login", url.Values{"username": {"demo-applicant"}, "password": {"x"}}); status == http.StatusForbidden {
		t.Error("login post with the CSRF token refused")
	}
	// The anonymous language switch needs no token, and is refused cross-site.
	lang := func(hdr ...string) int {
		req, _ := http.NewRequest("POST", m.URL()+"/lang", strings.NewReader(url.Values{"lang": {"en"}, "back": {"/registry"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := lang(); got != http.StatusSeeOther {
		t.Errorf("anonymous language switch: %d", got)
	}
	if got := lang("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("cross-site language switch: %d", got)
	}
}

// Z-4.1, issue 18: the certificate's page and JSON, served from prepared bytes,
// show a suspension and a revocation on the next request, on SQLite and
// PostgreSQL, and a client's If-None-Match for the old answer gets the new one.
func TestPublicCertificateShowsChangesAtOnce_Issue18(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		n := activeNumber(t, m)
		ctx := context.Background()
		get := func(p, inm string) (int, string, string) {
			resp, body := request(t, nil, "GET", m.URL()+p+"?lang=en", "If-None-Match", inm)
			return resp.StatusCode, body, resp.Header.Get("ETag")
		}
		tags := map[string]string{}
		for _, p := range []string{"/registry/" + n, "/api/v1/registry/certificates/" + n} {
			code, _, tag := get(p, "")
			if code != http.StatusOK || tag == "" {
				t.Fatalf("%s: %d, ETag %q", p, code, tag)
			}
			if code, _, _ := get(p, tag); code != http.StatusNotModified {
				t.Fatalf("%s with its ETag: %d", p, code)
			}
			tags[p] = tag
		}
		for _, to := range []certify.Status{certify.Suspended, certify.Revoked} {
			if err := m.DB.Update(ctx, func(tx *store.Tx) error {
				_, err := m.Registry.ChangeStatus(ctx, tx, n, to, "test", "signer")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			for p, old := range tags {
				code, body, tag := get(p, old)
				want := `"status":"` + string(to) + `"`
				if strings.HasPrefix(p, "/registry/") {
					want = pageStatus(to)
				}
				if code != http.StatusOK || tag == old || !strings.Contains(body, want) {
					t.Fatalf("%s after %s: %d, ETag %q (was %q), %q not shown", p, to, code, tag, old, want)
				}
				tags[p] = tag
			}
		}
	})
}

// pageStatus is how the English certificate page names a status.
func pageStatus(s certify.Status) string {
	switch s {
	case certify.Suspended:
		return "Suspended"
	case certify.Revoked:
		return "Revoked"
	}
	return "Active"
}
