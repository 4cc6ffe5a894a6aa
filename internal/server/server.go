// Package server assembles Miz's HTTP handler: security headers, request IDs and
// structured logs, panic recovery, cross-origin protection, Prometheus metrics,
// health and readiness probes, and the web and API routes on one stdlib ServeMux.
package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/itoir/miz/internal/store"
)

// Options configures the handler.
type Options struct {
	DB  *store.DB
	Log *slog.Logger
	// TLS turns on HSTS: set it whenever browsers reach the site over HTTPS (TLS on
	// the listener, a TLS-terminating proxy, an https base URL), that is whenever
	// cookies are Secure.
	TLS bool
	// MetricsToken lets a request bearing "Authorization: Bearer <token>" read
	// /metrics on this handler; empty hides /metrics (404), for a deployment that
	// serves them on a separate listener with MetricsHandler (Security #11 item 9).
	MetricsToken string
	// TrustedOrigins are origins (scheme://host[:port]) whose cross-origin form posts
	// are accepted, e.g. the configured base URL when a proxy rewrites Host.
	TrustedOrigins []string
	// CrossOriginDenied renders the refusal of a cross-origin state-changing request;
	// nil answers a plain 403.
	CrossOriginDenied http.Handler
	// Registry collects metrics; a fresh one is made when nil.
	Registry *prometheus.Registry
	// Routes registers the application's routes (web, API, modules).
	Routes func(mux *http.ServeMux)
	// Wrap adds application middleware (authentication) around the mux.
	Wrap func(http.Handler) http.Handler
	// NotFound renders unmatched paths (a localised page).
	NotFound http.HandlerFunc
	// Public are reads served from memory ahead of the middleware (issue 18).
	Public []PublicRoute
}

// Handler returns the complete HTTP handler.
func Handler(o Options) http.Handler {
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	m := newMetrics(o.Registry, o.DB)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := o.DB.Ping(ctx); err != nil {
			w.Header().Set("Retry-After", "5")
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		// Issue 19, rolling upgrade: an older instance stays ready on a schema a newer
		// binary extended additively, until it is replaced; a breaking one ends that.
		newer, err := o.DB.CheckServing(ctx)
		if err != nil {
			w.Header().Set("Retry-After", "5")
			http.Error(w, "database not migrated", http.StatusServiceUnavailable)
			return
		}
		if newer > 0 {
			_, _ = fmt.Fprintf(w, "ready (schema %d is newer than this binary's and additive: replace this instance)\n", newer)
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", metricsGate(MetricsHandler(o.Registry), o.MetricsToken, o.NotFound))
	if o.Routes != nil {
		o.Routes(mux)
	}
	var h http.Handler = notFoundFallback(mux, o.NotFound)
	h = m.instrument(h)
	if o.Wrap != nil {
		h = o.Wrap(h)
	}
	cop, err := crossOrigin(o.TrustedOrigins, o.CrossOriginDenied)
	if err != nil {
		panic(err) // a misconfigured origin is a programming error: serve checks BaseURL first
	}
	h = cop(h)
	h = noStoreForSessions(h)
	h = securityHeaders(h, o.TLS)
	h = logRequests(h, o.Log)
	return newPublicFirst(o.Public, h, m, o.Log, o.TLS)
}

// MetricsHandler serves reg in the Prometheus text format; serve mounts it on the
// separate metrics listener.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// metricsGate lets only a request with the bearer token through; anything else gets
// the 404 an unknown path gets, so the public listener does not reveal /metrics.
func metricsGate(next http.Handler, token string, notFound http.HandlerFunc) http.Handler {
	if notFound == nil {
		notFound = http.NotFound
	}
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got)) // equal lengths, so the comparison takes constant time
		if token == "" || !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			notFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin is the second CSRF layer (Security #11 item 10): the standard
// library's check of Sec-Fetch-Site and Origin refuses state-changing requests a
// browser sends from another site. Requests with neither header (API clients,
// tests, old browsers) pass, as do requests that carry an Authorization header:
// a bearer token is not an ambient credential a foreign page could borrow.
func crossOrigin(trusted []string, denied http.Handler) (func(http.Handler) http.Handler, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("server: trusted origin: %w", err)
		}
	}
	if denied != nil {
		cop.SetDenyHandler(denied)
	}
	return func(next http.Handler) http.Handler {
		protected := cop.Handler(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				next.ServeHTTP(w, r)
				return
			}
			protected.ServeHTTP(w, r)
		})
	}, nil
}

// noStoreForSessions marks every response to a request that carries credentials
// (an Authorization header, or any cookie but the language preference) "no-store",
// overriding what the handler set: such a page may show the signed-in person's data
// and must not stay in a shared or browser cache (Security #11 item 10). Static
// assets are the same for everyone and keep their long cache lifetime.
func noStoreForSessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/assets/") || !carriesCredentials(r) {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&noStoreWriter{ResponseWriter: w}, r)
	})
}

func carriesCredentials(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return true
	}
	for _, c := range r.Cookies() {
		if c.Name != "lang" {
			return true
		}
	}
	return false
}

// noStoreWriter sets Cache-Control just before the header is sent, after the
// handler has had its say.
type noStoreWriter struct {
	http.ResponseWriter
	done bool
}

func (n *noStoreWriter) WriteHeader(code int) {
	if !n.done {
		n.done = true
		h := n.ResponseWriter.Header()
		h.Set("Cache-Control", "no-store")
		h.Del("Expires")
		h.Add("Vary", "Cookie")
	}
	n.ResponseWriter.WriteHeader(code)
}

func (n *noStoreWriter) Write(b []byte) (int, error) {
	if !n.done {
		n.WriteHeader(http.StatusOK)
	}
	return n.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (n *noStoreWriter) Unwrap() http.ResponseWriter { return n.ResponseWriter }

// notFoundFallback renders the application's 404 page instead of the mux's plain one.
func notFoundFallback(mux *http.ServeMux, nf http.HandlerFunc) http.Handler {
	if nf == nil {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			nf(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries: a strict CSP without
// inline script, no sniffing, no framing, a conservative referrer policy, and HSTS
// when the site is served over HTTPS.
func securityHeaders(next http.Handler, tls bool) http.Handler {
	fixed := securityHeaderList(tls)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range fixed {
			h[kv.key] = kv.values
		}
		next.ServeHTTP(w, r)
	})
}

// headerValues is one header made once: a canonical key and its values.
type headerValues struct {
	key    string
	values []string
}

// securityHeaderList is securityHeaderValues as a list, which a request walks
// faster than a map.
func securityHeaderList(tls bool) []headerValues {
	var out []headerValues
	for k, v := range securityHeaderValues(tls) {
		out = append(out, headerValues{k, v})
	}
	return out
}

// securityHeaderValues are securityHeaders' headers, canonical keys to values made
// once (a response's header map takes the slices as they are: nothing appends to
// them, and an Add would copy, their capacity being their length).
func securityHeaderValues(tls bool) map[string][]string {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	h := http.Header{}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if tls {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	for k, v := range h {
		h[k] = v[:len(v):len(v)]
	}
	return h
}

type ctxKey struct{}

// RequestID returns the request's ID (also sent as X-Request-ID).
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests gives each request an ID, logs it with slog, and turns a panic into a
// plain 500 (never a stack trace to the client).
func logRequests(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-ID", id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "internal error (request "+id+")", http.StatusInternalServerError)
				}
			}
			log.LogAttrs(r.Context(), levelFor(sw.status), "http",
				slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", sw.status), slog.Int("bytes", sw.bytes), slog.Duration("duration", time.Since(start)))
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// levelFor logs failures as errors, except 503: during a database outage every
// request answers it, and one error line per request would bury the cause.
func levelFor(status int) slog.Level {
	if status == http.StatusServiceUnavailable {
		return slog.LevelWarn
	}
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelDebug
}

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, db *store.DB) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "miz_http_requests_total", Help: "HTTP requests by route and status."},
			[]string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "miz_http_request_duration_seconds", Help: "HTTP latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	// The Go runtime (goroutines, heap, GC) and the process (CPU, memory, open
	// files), Security #11 item 9.
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "miz_db_open_connections", Help: "Open database connections."},
		func() float64 { return float64(db.Stats().OpenConnections) }))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "miz_db_in_use_connections", Help: "Database connections in use."},
		func() float64 { return float64(db.Stats().InUse) }))
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "miz_db_wait_count_total", Help: "Waits for a database connection."},
		func() float64 { return float64(db.Stats().WaitCount) }))
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "miz_db_group_commits_total",
		Help: "SQLite transactions committed by the group-committing writer."},
		func() float64 { c, _ := db.GroupCommitStats(); return float64(c) }))
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "miz_db_group_commit_calls_total",
		Help: "Successful write calls carried by those transactions (calls/commits is the mean batch size)."},
		func() float64 { _, n := db.GroupCommitStats(); return float64(n) }))
	return m
}

// instrument must wrap the mux directly so that r.Pattern (set by the mux on this
// very request) names the route, keeping label cardinality bounded.
func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}
