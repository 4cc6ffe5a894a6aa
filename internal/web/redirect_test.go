package web

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// TestLocalPathRefusesOffSiteRedirects: every form a browser would resolve to
// another host falls back to "/" (Security #11 item 6).
func TestLocalPathRefusesOffSiteRedirects(t *testing.T) {
	for _, p := range []string{
		"", "evil.example", "https://evil.example/", "//evil.example", "/\\evil.example", "\\/evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/x\t", "\t//evil.example",
		"/%09/evil.example", "/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example", "/%0a/x",
		"/\x00x", "/\u202e/x", "/\u2028/evil", "/\xff", "/%ff",
	} {
		if got := localPath(p); got != "/" {
			t.Errorf("localPath(%q) = %q, want /", p, got)
		}
	}
	for _, p := range []string{"/", "/cases", "/cases/ABCD-EFGH-JK?tab=docs", "/services/certify/sla?version=2", "/خدمات"} {
		if got := localPath(p); got != p {
			t.Errorf("localPath(%q) = %q, want it kept", p, got)
		}
	}
}

// FuzzLocalPath: whatever localPath lets through, resolved the way a browser
// resolves a Location header against https://miz.example/, stays on miz.example
// and holds no control character.
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/", "/cases", "//evil", "/\\evil", "/\t/evil", "/%09/evil", "/%2F/evil", "https://x/", "/a/../..//evil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://miz.example/")
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p)
		if strings.IndexFunc(got, func(r rune) bool { return unicode.IsControl(r) || r == '\\' }) >= 0 {
			t.Fatalf("localPath(%q) = %q keeps a control character or backslash", p, got)
		}
		ref, err := url.Parse(got)
		if err != nil {
			t.Fatalf("localPath(%q) = %q does not parse: %v", p, got, err)
		}
		if u := base.ResolveReference(ref); u.Host != "miz.example" || u.Scheme != "https" {
			t.Fatalf("localPath(%q) = %q resolves to %s", p, got, u)
		}
	})
}
