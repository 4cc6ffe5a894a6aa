package documents

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestServeInlineHeaders_Issue13: a PDF or image is shown inline but sandboxed, never
// sniffed and under its safe name; any other type is still an attachment.
func TestServeInlineHeaders_Issue13(t *testing.T) {
	cases := []struct {
		mime, disposition string
		framable          bool
	}{
		{"application/pdf", "inline;", true},
		{"image/png", "inline;", true},
		{"image/jpeg", "inline;", true},
		{"image/svg+xml", "attachment;", false},
		{"text/html", "attachment;", false},
		{"application/zip", "attachment;", false},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		ServeInline(w, "گزارش\u202e\"fdp.exe", c.mime, 4, strings.NewReader("body"))
		h := w.Header()
		if d := h.Get("Content-Disposition"); !strings.HasPrefix(d, c.disposition) || strings.Contains(d, "\u202e") || strings.Count(d, `"`) != 2 {
			t.Errorf("%s: Content-Disposition = %q", c.mime, d)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: not sandboxed: %v", c.mime, h)
		}
		if framable := strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'self'"); framable != c.framable {
			t.Errorf("%s: framable = %v", c.mime, framable)
		}
		if h.Get("Content-Type") != c.mime || w.Body.String() != "body" {
			t.Errorf("%s: type %q body %q", c.mime, h.Get("Content-Type"), w.Body.String())
		}
	}
}
