package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// Issue 18: the registry lookups the front answers on the connection are the
// responses net/http gives for the same request: status, body and every header
// but Date and the request ID, for the JSON and the page, plain and gzip, with an
// ETag match and as HEAD. (A header value with a non-ASCII byte is one the front
// leaves to net/http, which answers it through the same public read.) A request
// with a session cookie is net/http's, with no-store.
func TestFrontAnswersRegistryReadsAsNetHTTPDoes_Issue18(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	if m.front == nil {
		t.Fatal("the front is not serving")
	}
	n := activeNumber(t, m)
	// One client for each side: a connection handed to net/http stays with it.
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	nc := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer c.CloseIdleConnections()
	defer nc.CloseIdleConnections()
	a0, h0 := m.front.Stats()
	etags := map[string]string{}
	for _, p := range []string{"/api/v1/registry/certificates/" + n, "/registry/" + n, "/registry/" + n + "?lang=en"} {
		for _, v := range []struct {
			method string
			hdr    []string
		}{
			{"GET", nil},
			{"GET", []string{"Accept-Encoding", "gzip, br"}},
			{"HEAD", nil},
			{"GET", []string{"If-None-Match", "ETAG"}},
			{"GET", []string{"Cookie", "lang=en"}},
		} {
			hdr := slices.Clone(v.hdr)
			for i := range hdr {
				hdr[i] = strings.ReplaceAll(hdr[i], "ETAG", etags[p])
			}
			front, fb := request(t, c, v.method, m.URL()+p, hdr...)
			full, nb := request(t, nc, v.method, m.URL()+p, append(hdr, "X-Note", "نامه")...)
			if front.StatusCode != full.StatusCode || fb != nb {
				t.Errorf("%s %s %q: front %d (%d bytes), net/http %d (%d bytes)", v.method, p, hdr, front.StatusCode, len(fb),
					full.StatusCode, len(nb))
			}
			for _, h := range []http.Header{front.Header, full.Header} {
				if h.Get("Date") == "" || h.Get("X-Request-Id") == "" || h.Get("Etag") == "" {
					t.Errorf("%s %s %q: Date, request ID or ETag missing: %v", v.method, p, hdr, h)
				}
				h.Del("Date")
				h.Del("X-Request-Id")
			}
			if !equalHeaders(front.Header, full.Header) {
				t.Errorf("%s %s %q: headers differ\n front:    %v\n net/http: %v", v.method, p, hdr, front.Header, full.Header)
			}
			if front.StatusCode == http.StatusOK && v.hdr == nil && v.method == "GET" {
				etags[p] = front.Header.Get("Etag")
			}
		}
	}
	a1, h1 := m.front.Stats()
	if a1-a0 != 15 || h1-h0 != 1 {
		t.Errorf("the front answered %d requests and handed over %d connections, want 15 and 1", a1-a0, h1-h0)
	}
	resp, _ := request(t, nc, "GET", m.URL()+"/registry/"+n, "Cookie", "miz_session=not-a-session")
	if a2, _ := m.front.Stats(); a2 != a1 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a request with a session cookie: answered by the front %t, Cache-Control %q", a2 != a1, resp.Header.Get("Cache-Control"))
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
