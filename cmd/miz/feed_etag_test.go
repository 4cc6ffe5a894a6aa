package main

import (
	"strings"
	"testing"
)

// TestEveryFeedRevalidatesByETag: the public Atom feeds (catalog changes, courses,
// SLA reports, advisories, the registry) carry a strong ETag of their bytes and
// answer If-None-Match with 304 and no body, so feed readers and the caching proxy
// revalidate instead of downloading again (issue 19); the Persian and the English
// feed are different documents with different tags.
func TestEveryFeedRevalidatesByETag(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	for _, path := range []string{"/changes.atom", "/courses.atom", "/reports.atom", "/advisories/feed.atom", "/registry/feed.atom"} {
		t.Run(strings.Trim(path, "/"), func(t *testing.T) {
			resp, body := request(t, nil, "GET", m.URL()+path)
			tag := resp.Header.Get("ETag")
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") ||
				!strings.Contains(body, "<feed") || !strings.HasPrefix(tag, `"`) {
				t.Fatalf("GET %s: %d %q ETag %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), tag)
			}
			again, b := request(t, nil, "GET", m.URL()+path, "If-None-Match", tag)
			if again.StatusCode != 304 || b != "" {
				t.Errorf("revalidation of %s: %d, %d bytes", path, again.StatusCode, len(b))
			}
			stale, b := request(t, nil, "GET", m.URL()+path, "If-None-Match", `"not-this-one"`)
			if stale.StatusCode != 200 || b != body {
				t.Errorf("a stale tag on %s: %d", path, stale.StatusCode)
			}
			en, _ := request(t, nil, "GET", m.URL()+path, "Cookie", "lang=en")
			if en.StatusCode != 200 || en.Header.Get("ETag") == tag {
				t.Errorf("English %s: %d with the Persian tag %q", path, en.StatusCode, en.Header.Get("ETag"))
			}
			// Go's client asks for gzip on its own for GET, not for HEAD: ask alike.
			head, b := request(t, nil, "HEAD", m.URL()+path, "Accept-Encoding", "gzip")
			if head.StatusCode != 200 || b != "" || head.Header.Get("ETag") != tag {
				t.Errorf("HEAD %s: %d, %d bytes, tag %q", path, head.StatusCode, len(b), head.Header.Get("ETag"))
			}
		})
	}
}
