package server

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
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
type publicFirst struct {
	routes []*servedRoute
	full   http.Handler
	m      *metrics
	log    *slog.Logger
	fixed  []headerValues
	block  *FixedHeaders
	ids    *requestIDs
}

// FixedHeaders are the headers every public read carries (the security headers),
// each rendered once as its "Key: value\r\n" line for a ResponseWriter that writes
// them as they are (internal/front's) instead of taking them one map entry at a
// time and checking them again on every response (issue 18).
type FixedHeaders struct {
	keys  []string
	lines [][]byte
}

// Len is the number of fixed headers.
func (f *FixedHeaders) Len() int { return len(f.keys) }

// Index is the position of the canonical key among the fixed headers, or -1.
func (f *FixedHeaders) Index(key string) int {
	for i, k := range f.keys {
		if len(k) == len(key) && k == key {
			return i
		}
	}
	return -1
}

// Line is the i-th header's rendered line, CRLF included.
func (f *FixedHeaders) Line(i int) []byte { return f.lines[i] }

// FixedHeaderWriter is a ResponseWriter that takes the fixed headers as a set: a
// header the read then sets in the header map under the same key replaces the
// fixed one, as it would in the map (an empty value list removes it). A read cannot
// take one away with Header().Del, which finds nothing in the map to delete; none
// does. SetFixedHeaders(nil) takes them back.
type FixedHeaderWriter interface {
	SetFixedHeaders(*FixedHeaders)
}

// fixedHeaders renders list; the keys are canonical and the values constants with
// no CR or LF, as securityHeaderValues makes them. A writer marks the ones a read
// replaced in a 64-bit set, hence the bound.
func fixedHeaders(list []headerValues) *FixedHeaders {
	f := &FixedHeaders{}
	for _, kv := range list {
		for _, v := range kv.values {
			f.keys = append(f.keys, kv.key)
			f.lines = append(f.lines, []byte(kv.key+": "+v+"\r\n"))
		}
	}
	if len(f.keys) > 64 {
		panic("server: more than 64 fixed headers")
	}
	return f
}

type servedRoute struct {
	PublicRoute
	latency prometheus.Observer
	counts  [2][2]prometheus.Counter // [GET, HEAD][200, 304], resolved once
}

func newPublicFirst(routes []PublicRoute, full http.Handler, m *metrics, log *slog.Logger, tls bool) http.Handler {
	if len(routes) == 0 {
		return full
	}
	p := &publicFirst{full: full, m: m, log: log, fixed: securityHeaderList(tls), ids: newRequestIDs()}
	p.block = fixedHeaders(p.fixed)
	for _, rt := range routes {
		s := &servedRoute{PublicRoute: rt, latency: m.latency.WithLabelValues(rt.Pattern)}
		for mi, method := range []string{http.MethodGet, http.MethodHead} {
			for si, status := range []string{"200", "304"} {
				s.counts[mi][si] = m.requests.WithLabelValues(rt.Pattern, method, status)
			}
		}
		p.routes = append(p.routes, s)
	}
	return p
}

func (p *publicFirst) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.Read(w, r) {
		p.full.ServeHTTP(w, r)
	}
}

// PublicReader is what answers a handler's public reads on their own: Read writes
// the whole response and reports true, or writes nothing and reports false (the
// request is for the full chain). Prefixes are the paths it can answer at all.
type PublicReader interface {
	Read(w http.ResponseWriter, r *http.Request) bool
	Prefixes() []string
}

// PublicReads returns the public reader of a handler made by Handler, or nil when
// it has no public routes. internal/front serves it on the connection itself.
func PublicReads(h http.Handler) PublicReader {
	p, _ := h.(*publicFirst)
	if p == nil {
		return nil
	}
	return p
}

// Prefixes are the public routes' path prefixes.
func (p *publicFirst) Prefixes() []string {
	out := make([]string, len(p.routes))
	for i, rt := range p.routes {
		out[i] = rt.Prefix
	}
	return out
}

// Read answers r from a public route, or reports false having written nothing.
func (p *publicFirst) Read(w http.ResponseWriter, r *http.Request) bool {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || carriesCredentials(r) {
		return false
	}
	for _, rt := range p.routes {
		rest, ok := strings.CutPrefix(r.URL.Path, rt.Prefix)
		if !ok || rest == "" || strings.IndexByte(rest, '/') >= 0 {
			continue
		}
		start := time.Now()
		h := w.Header()
		fw, asBlock := w.(FixedHeaderWriter)
		if asBlock {
			fw.SetFixedHeaders(p.block)
		} else {
			for _, kv := range p.fixed {
				h[kv.key] = kv.values
			}
		}
		idv := p.ids.next()
		h["X-Request-Id"] = idv
		id := idv[0]
		status := readSafely(w, r, rt.Read, rest, p.log, id)
		if status == 0 {
			if asBlock {
				fw.SetFixedHeaders(nil)
			}
			for _, kv := range p.fixed {
				delete(h, kv.key)
			}
			delete(h, "X-Request-Id")
			return false // declined: the full chain answers
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
			p.m.requests.WithLabelValues(rt.Pattern, r.Method, strconv.Itoa(status)).Inc()
		}
		d := time.Since(start)
		rt.latency.Observe(d.Seconds())
		if p.log.Enabled(r.Context(), levelFor(status)) {
			p.log.LogAttrs(r.Context(), levelFor(status), "http", slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", status), slog.Duration("duration", d))
		}
		return true
	}
	return false
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
// like the others. They are made idBatch at a time, in one string and one slice,
// so that a request costs no allocation of its own for its ID.
type requestIDs struct {
	prefix uint64
	mu     sync.Mutex
	n      uint64
	batch  []string
}

const idBatch = 64

func newRequestIDs() *requestIDs {
	var b [8]byte
	_, _ = rand.Read(b[:])
	p := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
	return &requestIDs{prefix: p << 32}
}

// next returns the next ID as a header value: a slice of length and capacity 1,
// so that an Add to the response's header copies instead of writing over the
// next request's ID.
func (q *requestIDs) next() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.batch) == 0 {
		const hexd = "0123456789abcdef"
		buf := make([]byte, 16*idBatch)
		for i := range idBatch {
			q.n++
			v := q.prefix | (q.n & 0xffffffff)
			for j := 15; j >= 0; j-- {
				buf[16*i+j] = hexd[v&0xf]
				v >>= 4
			}
		}
		all := string(buf)
		q.batch = make([]string, idBatch)
		for i := range q.batch {
			q.batch[i] = all[16*i : 16*i+16]
		}
	}
	v := q.batch[:1:1]
	q.batch = q.batch[1:]
	return v
}
