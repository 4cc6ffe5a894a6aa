package documents

import (
	"io"
	"net/http"
	"strconv"
)

// ServeDownload writes an uploaded file so that no browser renders it in Miz's
// origin: always an attachment under its safe name, never sniffed, sandboxed by
// CSP if opened anyway, and never kept by shared caches. An empty contentType is
// sent as application/octet-stream. The web and API downloads both use it.
func ServeDownload(w http.ResponseWriter, name, contentType string, size int64, body io.Reader) {
	SetDownloadHeaders(w.Header(), name, contentType, size)
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, body)
}

// SetDownloadHeaders sets the headers ServeDownload sends, for a caller that
// writes the body itself.
func SetDownloadHeaders(h http.Header, name, contentType string, size int64) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", ContentDisposition(name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(size, 10))
}
