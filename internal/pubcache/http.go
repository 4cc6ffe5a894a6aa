package pubcache

import (
	"net/http"
	"strings"
)

// Headers are the fixed headers of one kind of response, made once.
type Headers struct {
	contentType, cacheControl, vary, gzip []string
}

// NewHeaders returns the headers sent with every entry of one kind: its content
// type, its Cache-Control and the request headers it varies by (Accept-Encoding is
// added: the gzip form is chosen by it).
func NewHeaders(contentType, cacheControl, vary string) *Headers {
	v := "Accept-Encoding"
	if vary != "" {
		v += ", " + vary
	}
	return &Headers{contentType: []string{contentType}, cacheControl: []string{cacheControl}, vary: []string{v},
		gzip: []string{"gzip"}}
}

// Write sends e (its gzip form when the client takes gzip), or 304 Not Modified
// when If-None-Match names what the client would get, and returns the status.
// HEAD gets the headers only.
func Write(w http.ResponseWriter, r *http.Request, e *Entry, hd *Headers) int {
	h := w.Header()
	body, etag, length := e.Body, e.etag, e.length
	if e.Gzip != nil && acceptsGzip(first(r.Header["Accept-Encoding"])) {
		body, etag, length = e.Gzip, e.gzipETag, e.gzipLength
		h["Content-Encoding"] = hd.gzip
	}
	h["Etag"] = etag
	h["Cache-Control"] = hd.cacheControl
	h["Vary"] = hd.vary
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && matches(strings.Join(inm, ","), etag[0]) {
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h["Content-Type"] = hd.contentType
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return http.StatusOK
}

// matches reports whether the If-None-Match list names etag (weak comparison,
// RFC 9110 §13.1.2) or is "*".
func matches(list, etag string) bool {
	for t := range strings.SplitSeq(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding takes gzip (and does not refuse it
// with q=0).
func acceptsGzip(ae string) bool {
	for part := range strings.SplitSeq(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// first is a request header's first value (the server canonicalised the keys).
func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
