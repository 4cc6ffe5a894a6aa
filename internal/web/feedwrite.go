package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"time"
)

// writeFeed sends an Atom feed made on this request with a strong ETag of its bytes,
// so that a feed reader or the caching proxy in front (deploy/nginx) revalidates
// with If-None-Match and gets 304 Not Modified when nothing changed (issue 19). The
// feed is encoded before anything is written: an encoding error is a clean 500, not
// half a document.
func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, f atom) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(f); err != nil {
		s.Fail(w, r, err)
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=60")
	h.Set("Vary", "Cookie")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	var modified time.Time
	if t, err := time.Parse(time.RFC3339, f.Updated); err == nil && t.Unix() > 0 {
		modified = t
	}
	// ServeContent answers If-None-Match / If-Modified-Since, HEAD and ranges.
	http.ServeContent(w, r, "", modified, bytes.NewReader(buf.Bytes()))
}
