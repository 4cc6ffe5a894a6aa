package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Issue 18: a public read is answered ahead of the middleware only for a GET or
// HEAD without credentials; with a session cookie, a bearer token or another
// method it takes the full chain, as does anything the route declines. Either way
// the response has the security headers and a request ID.
func TestPublicReadsOnlyWithoutCredentials_Issue18(t *testing.T) {
	var fast, full int
	h := Handler(Options{Log: slog.New(slog.DiscardHandler),
		Routes: func(mux *http.ServeMux) {
			mux.HandleFunc("/registry/", func(w http.ResponseWriter, r *http.Request) { full++ })
		},
		Public: []PublicRoute{{Prefix: "/registry/", Pattern: "GET /registry/{n}", Read: func(w http.ResponseWriter, r *http.Request, rest string) int {
			if rest == "unknown" {
				return 0
			}
			fast++
			w.WriteHeader(http.StatusOK)
			return http.StatusOK
		}}}})
	for _, c := range []struct {
		method, path, cookie, auth string
		fast                       bool
	}{
		{"GET", "/registry/CRT-1", "", "", true},
		{"HEAD", "/registry/CRT-1", "", "", true},
		{"GET", "/registry/CRT-1", "lang=en", "", true},
		{"GET", "/registry/CRT-1", "miz_session=x", "", false},
		{"GET", "/registry/CRT-1", "lang=en; miz_csrf=y", "", false},
		{"GET", "/registry/CRT-1", "", "Bearer t", false},
		{"POST", "/registry/CRT-1", "", "", false},
		{"GET", "/registry/unknown", "", "", false},
		{"GET", "/registry/CRT-1/print", "", "", false},
	} {
		fast, full = 0, 0
		r := httptest.NewRequest(c.method, c.path, nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", c.cookie)
		}
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if (fast == 1) != c.fast || fast+full != 1 {
			t.Errorf("%s %s cookie %q auth %q: fast %d, full %d", c.method, c.path, c.cookie, c.auth, fast, full)
		}
		if w.Header().Get("X-Frame-Options") != "DENY" || len(w.Header().Get("X-Request-Id")) != 16 {
			t.Errorf("%s %s: headers %q", c.method, c.path, w.Header())
		}
	}
}

// Issue 18: a public read's request ID costs no allocation of its own (they are
// made 64 at a time), every ID is distinct across batches, and an Add to the
// header value cannot write over the next request's ID.
func TestRequestIDsDistinctAndBatched_Issue18(t *testing.T) {
	q := newRequestIDs()
	seen := map[string]bool{}
	for range 3*idBatch + 5 {
		v := q.next()
		if len(v) != 1 || cap(v) != 1 || len(v[0]) != 16 || seen[v[0]] {
			t.Fatalf("ID %q (cap %d) repeated or malformed", v, cap(v))
		}
		seen[v[0]] = true
	}
	v := q.next()
	next := q.next()[0]
	_ = append(v, "extra")
	if q.next()[0] == next || seen[next] {
		t.Fatal("an append to one ID changed another")
	}
	if n := testing.AllocsPerRun(10*idBatch, func() { _ = q.next() }); n >= 1 {
		t.Errorf("%.2f allocations per request ID, want < 1", n)
	}
}
