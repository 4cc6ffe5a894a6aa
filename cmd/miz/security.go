package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/itoir/miz/internal/server"
)

// checkPublicURL checks --base-url before anything starts (Security #11 item 12):
// it must be an absolute http(s) URL; single sign-on needs it outside the demo,
// because the callback address must not come from the Host header; and running
// without it outside the demo is allowed, with a warning, since feeds then stay off.
func checkPublicURL(cfg Config, log *slog.Logger) error {
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return fmt.Errorf("--base-url %q: want an absolute http:// or https:// URL", cfg.BaseURL)
		}
		return nil
	}
	if cfg.Demo {
		return nil
	}
	if cfg.OIDCIssuer != "" {
		return errors.New("--oidc-issuer needs --base-url: the single sign-on callback address is built from it, never from the request")
	}
	log.Warn("--base-url is not set: links in feeds and e-mails cannot be made absolute, and the public feeds answer 404; set it to the desk's public https:// address")
	return nil
}

// trustedOrigins is the base URL's origin, whose form posts the cross-origin check
// accepts even when a proxy hands Miz another Host.
func trustedOrigins(cfg Config) []string {
	u, err := url.Parse(cfg.BaseURL)
	if cfg.BaseURL == "" || err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}

// publicBase is the desk's public address for absolute links: --base-url, or in the
// demo without one the listening address; never the Host of a request.
func (m *Main) publicBase() string {
	if m.Config.BaseURL != "" {
		return strings.TrimRight(m.Config.BaseURL, "/")
	}
	if m.Config.Demo && m.ln != nil {
		return m.URL()
	}
	return ""
}

// listenMetrics serves /metrics on --metrics-addr when it is set (Security #11
// item 9); the public listener then answers 404 there.
func (m *Main) listenMetrics(reg *prometheus.Registry) error {
	if m.Config.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", m.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen %s (metrics): %w", m.Config.MetricsAddr, err)
	}
	if !isLoopback(ln.Addr()) {
		m.Log.Warn("the metrics listener is not on the loopback address; keep it on a private network", "addr", ln.Addr().String())
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", server.MetricsHandler(reg))
	m.mln = ln
	m.metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.metrics.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("metrics server stopped", "err", err)
		}
	}()
	return nil
}

// MetricsURL is the separate metrics listener's address, "" when there is none.
func (m *Main) MetricsURL() string {
	if m.mln == nil {
		return ""
	}
	return "http://" + m.mln.Addr().String()
}

// isLoopback reports whether a listener is reachable from this host only.
func isLoopback(a net.Addr) bool {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// demoWarning is the loud notice for a demo anyone on the network can reach: its
// accounts, with every role, share a published password (Security #11 item 13).
const demoWarning = "WARNING: --demo is listening beyond this machine (%s). Its accounts share the published password " +
	"%q and hold every role: anyone who can reach this address can sign in as any of them. " +
	"Use --addr 127.0.0.1:PORT unless this is a closed test network."

// warnDemoOffLoopback logs demoWarning when the demo listens off loopback.
func (m *Main) warnDemoOffLoopback() {
	if m.Config.Demo && m.ln != nil && !isLoopback(m.ln.Addr()) {
		m.Log.Warn("demo listens off loopback: its accounts share a published password", "addr", m.ln.Addr().String())
	}
}
