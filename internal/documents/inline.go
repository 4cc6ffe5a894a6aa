package documents

import (
	"io"
	"net/http"
	"strings"
)

// inlineTypes are the content types a browser may show inside Miz's document viewer:
// the ones it renders without running anything of the file's own (issue 13 item 1).
var inlineTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true}

// Inline reports whether a stored document of contentType is shown in the viewer
// rather than only offered as a download.
func Inline(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return inlineTypes[strings.ToLower(strings.TrimSpace(mt))]
}

// ServeInline writes a document for Miz's viewer frame: a PDF or image inline under
// its safe name, still never sniffed, never cached by shared caches, and sandboxed
// by its own CSP (no script, no plugin of its own, no navigation of the page around
// it), framable only by Miz's pages. Any other type is sent as ServeDownload does.
func ServeInline(w http.ResponseWriter, name, contentType string, size int64, body io.Reader) {
	if !Inline(contentType) {
		ServeDownload(w, name, contentType, size, body)
		return
	}
	SetInlineHeaders(w.Header(), name, contentType, size)
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, body)
}

// SetInlineHeaders sets the headers ServeInline sends for a viewable document: the
// download headers, with the disposition inline and framing by the same origin.
func SetInlineHeaders(h http.Header, name, contentType string, size int64) {
	SetDownloadHeaders(h, name, contentType, size)
	h.Set("Content-Disposition", "inline"+strings.TrimPrefix(ContentDisposition(name), "attachment"))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
}
