package server

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// PublicRead answers a public read (GET or HEAD, no credentials) from memory: it
// writes the whole response and returns its status, or writes nothing and returns
// 0 to leave the request to the full chain. rest is the path after the route's
// prefix (one segment, never empty).
type PublicRead func(w http.ResponseWriter, r *http.Request, rest string) int

// PublicRoute is a public read served before the middleware chain.
type PublicRoute struct {
	Prefix string // e.g. "/registry/"
	// Pattern is the full chain's route for the same path, the metrics label.
	Pattern string
	Read    PublicRead
}

// publicFirst serves the public routes' reads without the middleware a public read
// has no use for (issue 18): no session lookup, no CSRF cookie, no cross-origin
// check (a GET changes nothing), no no-store (nothing credentialed). It keeps what
// every response has: the security headers, a request ID, panic recovery, the
// request metrics and the debug request log. Anything a route declines, and every
// request with an Authorization header or a cookie other than the language
// preference, takes the full chain.
func publicFirst(routes []PublicRoute, full http.Handler, m *metrics, log *slog.Logger, tls bool) http.Handler {
	if len(routes) == 0 {
		return full
	}
	type served struct {
		PublicRoute
		latency prometheus.Observer
		counts  [2][2]prometheus.Counter // [GET, HEAD][200, 304], resolved once
	}
	rs := make([]*served, len(routes))
	for i, rt := range routes {
		s := &served{PublicRoute: rt, latency: m.latency.WithLabelValues(rt.Pattern)}
		for mi, method := range []string{http.MethodGet, http.MethodHead} {
			for si, status := range []string{"200", "304"} {
				s.counts[mi][si] = m.requests.WithLabelValues(rt.Pattern, method, status)
			}
		}
		rs[i] = s
	}
	fixed := securityHeaderValues(tls)
	ids := newRequestIDs()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || carriesCredentials(r) {
			full.ServeHTTP(w, r)
			return
		}
		for _, rt := range rs {
			rest, ok := strings.CutPrefix(r.URL.Path, rt.Prefix)
			if !ok || rest == "" || strings.IndexByte(rest, '/') >= 0 {
				continue
			}
			start := time.Now()
			h := w.Header()
			for k, v := range fixed {
				h[k] = v
			}
			id := ids.next()
			h["X-Request-Id"] = []string{id}
			status := readSafely(w, r, rt.Read, rest, log, id)
			if status == 0 {
				break // declined: the full chain answers
			}
			mi, si := 0, 0
			if r.Method == http.MethodHead {
				mi = 1
			}
			switch status {
			case http.StatusOK:
			case http.StatusNotModified:
				si = 1
			default:
				mi = -1
			}
			if mi >= 0 {
				rt.counts[mi][si].Inc()
			} else {
				m.requests.WithLabelValues(rt.Pattern, r.Method, strconv.Itoa(status)).Inc()
			}
			d := time.Since(start)
			rt.latency.Observe(d.Seconds())
			if log.Enabled(r.Context(), levelFor(status)) {
				log.LogAttrs(r.Context(), levelFor(status), "http", slog.String("request_id", id), slog.String("method", r.Method),
					slog.String("path", r.URL.Path), slog.Int("status", status), slog.Duration("duration", d))
			}
			return
		}
		full.ServeHTTP(w, r)
	})
}

// readSafely runs read, turning a panic into a plain 500 as logRequests does.
func readSafely(w http.ResponseWriter, r *http.Request, read PublicRead, rest string, log *slog.Logger, id string) (status int) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			log.Error("panic", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			http.Error(w, "internal error (request "+id+")", http.StatusInternalServerError)
			status = http.StatusInternalServerError
		}
	}()
	return read(w, r, rest)
}

// requestIDs makes request IDs for public reads without asking the system for
// randomness each time: a random prefix per process and a counter, 16 hex digits
// like the others.
type requestIDs struct {
	prefix uint64
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [8]byte
	_, _ = rand.Read(b[:])
	p := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
	return &requestIDs{prefix: p << 32}
}

func (q *requestIDs) next() string {
	v := q.prefix | (q.n.Add(1) & 0xffffffff)
	var b [16]byte
	const hexd = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		b[i] = hexd[v&0xf]
		v >>= 4
	}
	return string(b[:])
}
