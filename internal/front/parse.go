package front

import (
	"bytes"
	"net/http"
)

// parse reads a request head the front may answer into q, and reports false for
// anything else: a method other than GET or HEAD, a version other than HTTP/1.1, a
// target that is not a plain path (and plain query) under one of the prefixes, a
// body or a request to change protocols, a missing or repeated Host, a header line
// that is not name: value in visible characters, a head without its blank line.
// What it refuses, net/http reads from the same bytes (RFC 9112 applies there).
func (q *request) parse(head []byte, prefixes [][]byte) bool {
	if !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		return false
	}
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	var method string
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		method, line = http.MethodGet, line[4:]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		method, line = http.MethodHead, line[5:]
	default:
		return false
	}
	target, version, ok := bytes.Cut(line, []byte(" "))
	if !ok || string(version) != "HTTP/1.1" {
		return false
	}
	path, query, hasQuery := bytes.Cut(target, []byte("?"))
	if !plainPath(path) || (hasQuery && !plainQuery(query)) || !underPrefix(path, prefixes) {
		return false
	}
	h := q.r.Header
	for k := range h {
		h[k] = h[k][:0] // emptied, kept for reuse; dropped below if not sent again
	}
	var host []byte
	hosts := 0
	q.close = false
	for len(rest) > 2 {
		var hl []byte
		hl, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(hl, []byte(":"))
		if !ok || !token(name) {
			return false // an empty or malformed name, or a folded line
		}
		value = bytes.Trim(value, " \t")
		if !visible(value) {
			return false
		}
		key := canonicalKey(name)
		switch key {
		case "Host":
			hosts++
			host = value
		case "Content-Length":
			if string(value) != "0" {
				return false
			}
		case "Transfer-Encoding", "Expect", "Upgrade", "Te":
			return false
		case "Connection":
			for tok := range bytes.SplitSeq(value, []byte(",")) {
				switch string(bytes.ToLower(bytes.TrimSpace(tok))) {
				case "close":
					q.close = true
				case "upgrade":
					return false
				}
			}
		}
		vs := h[key]
		if len(vs) == 0 && cap(vs) > 0 && vs[:1][0] == string(value) {
			h[key] = vs[:1] // the same value as the previous request's: no copy
			continue
		}
		if len(vs) == 0 {
			h[key] = []string{string(value)}
		} else {
			h[key] = append(vs[:len(vs):len(vs)], string(value))
		}
	}
	if hosts != 1 || len(host) == 0 {
		return false
	}
	for k, vs := range h {
		if len(vs) == 0 {
			delete(h, k)
		}
	}
	r := q.r
	r.Method = method
	r.Host = reuse(q.host, host)
	q.host = r.Host
	q.url.Path = reuse(q.path, path)
	q.path = q.url.Path
	q.url.RawQuery = ""
	if hasQuery {
		q.url.RawQuery = reuse(q.rawQuery, query)
		q.rawQuery = q.url.RawQuery
	}
	r.RequestURI = reuse(r.RequestURI, target)
	r.Close = q.close
	return true
}

// reuse returns prev when b spells it, a new string otherwise.
func reuse(prev string, b []byte) string {
	if prev == string(b) {
		return prev
	}
	return string(b)
}

// underPrefix reports whether path starts with one of the prefixes.
func underPrefix(path []byte, prefixes [][]byte) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// plainPath accepts an absolute path of unreserved characters and slashes, without
// empty, "." or ".." segments: nothing to decode and nothing to clean.
func plainPath(p []byte) bool {
	if len(p) == 0 || p[0] != '/' || bytes.Contains(p, []byte("//")) || bytes.Contains(p, []byte("/.")) {
		return false
	}
	for _, c := range p {
		if !unreserved(c) && c != '/' {
			return false
		}
	}
	return true
}

// plainQuery accepts name=value pairs of unreserved characters.
func plainQuery(q []byte) bool {
	for _, c := range q {
		if !unreserved(c) && c != '=' && c != '&' {
			return false
		}
	}
	return true
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// token reports whether b is a header name (RFC 9110 §5.6.2).
func token[T string | []byte](b T) bool {
	if len(b) == 0 {
		return false
	}
	for i := range len(b) {
		if b[i] >= 0x80 || !tokenChar[b[i]] {
			return false
		}
	}
	return true
}

var tokenChar = func() (t [128]bool) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = true
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range []byte("!#$%&'*+-.^_`|~") {
		t[c] = true
	}
	return t
}()

// visible reports whether a header value holds only visible ASCII, spaces and
// tabs (obs-text and controls go to net/http).
func visible(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// canonicalKey is http.CanonicalHeaderKey without an allocation for the headers
// browsers and clients send.
func canonicalKey(name []byte) string {
	if k, ok := commonKeys[string(name)]; ok {
		return k
	}
	return http.CanonicalHeaderKey(string(name))
}

var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Connection",
		"Cookie", "Authorization", "If-None-Match", "If-Modified-Since", "Cache-Control", "Pragma", "Referer",
		"Upgrade-Insecure-Requests", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User",
		"Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Priority", "Dnt", "Origin", "Content-Length",
		"Transfer-Encoding", "Expect", "Upgrade", "Te", "X-Forwarded-For", "X-Forwarded-Proto", "X-Real-Ip", "Via"} {
		m[k] = k
		m[string(bytes.ToLower([]byte(k)))] = k
	}
	return m
}()
