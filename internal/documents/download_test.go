package documents

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestServeDownloadNeverRendersInOrigin: an uploaded HTML file goes out as an
// attachment, unsniffed, sandboxed and uncached, with its bytes intact.
func TestServeDownloadNeverRendersInOrigin(t *testing.T) {
	w := httptest.NewRecorder()
	ServeDownload(w, "گزارش.html", "", 5, strings.NewReader("<b>x"))
	h := w.Result().Header
	want := map[string]string{"Content-Type": "application/octet-stream", "X-Content-Type-Options": "nosniff",
		"Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, no-store", "Content-Length": "5"}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition = %q, not an attachment", cd)
	}
	if w.Code != 200 || w.Body.String() != "<b>x" {
		t.Errorf("%d %q", w.Code, w.Body)
	}
}
