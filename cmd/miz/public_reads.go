package main

import (
	"github.com/itoir/miz/internal/api"
	"github.com/itoir/miz/internal/front"
	"github.com/itoir/miz/internal/server"
	"github.com/itoir/miz/internal/web"
	"github.com/prometheus/client_golang/prometheus"
	"net/http"
	"sync/atomic"
)

// publicReads are the reads answered from memory ahead of the middleware (issue
// 18): the registry lookup by number, as JSON and as its page.
func publicReads(a *api.API, w *web.Server) []server.PublicRoute {
	var out []server.PublicRoute
	if prefix, pattern, read := a.PublicLookup(); read != nil {
		out = append(out, server.PublicRoute{Prefix: prefix, Pattern: pattern, Read: read})
	}
	if prefix, pattern, read := w.PublicCertificatePage(); read != nil {
		out = append(out, server.PublicRoute{Prefix: prefix, Pattern: pattern, Read: read})
	}
	return out
}

// registerFrontMetrics counts what the front answered and handed to net/http.
func (m *Main) registerFrontMetrics(reg *prometheus.Registry) {
	stat := func(i int) func() float64 {
		return func() float64 {
			f := m.frontRef.Load()
			if f == nil {
				return 0
			}
			a, h := f.Stats()
			return float64([2]int64{a, h}[i])
		}
	}
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "miz_http_front_answered_total",
		Help: "Public reads answered on the connection ahead of net/http (issue 18)."}, stat(0)))
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "miz_http_front_handed_over_total",
		Help: "Connections the front handed to net/http at their first request it does not answer."}, stat(1)))
}

// fronts is Main's public reads' front on its listener, when it serves (issue 18).
type fronts struct {
	front    *front.Listener
	frontRef atomic.Pointer[front.Listener] // the same, for the metrics listener's reads
}

// listenFront puts the front on m.ln: the registry lookups are answered on the
// connection ahead of net/http (internal/front). Over TLS, or with
// --net-http-only, net/http serves everything.
func (m *Main) listenFront(handler http.Handler) {
	pr := server.PublicReads(handler)
	if pr == nil || m.Config.TLSCert != "" || m.Config.NetHTTPOnly {
		return
	}
	m.front = front.Listen(m.ln, pr, front.Options{ReadHeaderTimeout: m.http.ReadHeaderTimeout,
		IdleTimeout: m.http.IdleTimeout, WriteTimeout: m.http.WriteTimeout, Log: m.Log})
	m.frontRef.Store(m.front)
}
