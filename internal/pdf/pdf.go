// Package pdf prints certificates to PDF for both adapters: the web page
// /registry/{number}/pdf and the API's …/certificates/{number}/pdf. A PDF changes
// only when its certificate does, so each is printed once and kept on disk under a
// key derived from the certificate record; only cache misses reach the browser,
// and those are rate-limited and shared between concurrent requests (issue 11
// item 7).
package pdf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/itoir/miz/internal/cert/printlink"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// Renderer prints a page of the running server to PDF; Chrome is the one used in
// production.
type Renderer interface {
	// RenderPDF loads pageURL and prints it to PDF.
	RenderPDF(ctx context.Context, pageURL string) ([]byte, error)
}

// Certificates reads certificate records; *certify.Registry is one.
type Certificates interface {
	// Get returns the certificate with number, or an error wrapping store.ErrNotFound.
	Get(ctx context.Context, number string) (certify.Certificate, error)
}

// Options configure a Printer.
type Options struct {
	// Dir holds the cached PDFs (created 0700 when missing), e.g. <data>/pdf-cache.
	Dir string
	// SelfURL is this server's own base URL, where the printable page
	// /registry/{number}/print is loaded from; called at each render, so it may be
	// set before the listener exists.
	SelfURL func() string
	// Layout names the version of the printable page (the build's version); it is
	// part of every cache key, so an upgrade that changes the page prints afresh.
	Layout string
	// Rate is how many cache misses a second may be rendered (0 means 2), with
	// bursts of up to Burst (0 means 4); a miss over the limit answers 429.
	Rate  float64
	Burst int
	// ClientRate and ClientBurst limit one address's misses the same way (0 means
	// one every 5 s, bursts of 3), so one client cannot spend everyone's renders.
	ClientRate  float64
	ClientBurst int
	// Now is the clock of the rate limit; nil means time.Now.
	Now func() time.Time
	// Log receives cache write failures; nil discards them.
	Log *slog.Logger
}

// Stats counts what the printer did since it was made, for the metrics.
type Stats struct {
	Renders     int64 // cache misses printed by the renderer
	Hits        int64 // requests answered from the cache
	RateLimited int64 // misses refused by the rate limit
}

// Printer serves certificate PDFs from its disk cache, printing the missing ones
// with its Renderer.
type Printer struct {
	certs   Certificates
	render  Renderer
	opt     Options
	cache   diskCache
	limit   *limiter
	flights flights

	renders, hits, limited atomic.Int64
}

// New returns a printer of certs' certificates rendered by r, caching in o.Dir.
func New(certs Certificates, r Renderer, o Options) (*Printer, error) {
	if certs == nil || r == nil || o.SelfURL == nil {
		return nil, errors.New("pdf: a printer needs certificates, a renderer and SelfURL")
	}
	c, err := openCache(o.Dir)
	if err != nil {
		return nil, err
	}
	if o.Rate <= 0 {
		o.Rate = 2
	}
	if o.Burst <= 0 {
		o.Burst = 4
	}
	if o.ClientRate <= 0 {
		o.ClientRate = 0.2
	}
	if o.ClientBurst <= 0 {
		o.ClientBurst = 3
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Printer{certs: certs, render: r, opt: o, cache: c, limit: newLimiter(o)}, nil
}

// CertificatePDF returns the certificate's printable page as PDF in lang for the
// client at address client: from the cache when this version of the certificate
// was printed before, else printed now unless the rate limit (global or the
// client's) is spent (problem.RateLimited, with the wait for Retry-After). An
// unknown number answers an error wrapping store.ErrNotFound.
func (p *Printer) CertificatePDF(ctx context.Context, number string, lang i18n.Lang, client string) ([]byte, error) {
	if lang != i18n.En {
		lang = i18n.Fa
	}
	c, err := p.certs.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	k, err := keyOf(c, lang, p.opt.Layout)
	if err != nil {
		return nil, err
	}
	if b, ok := p.cache.read(k); ok {
		p.hits.Add(1)
		return b, nil
	}
	return p.flights.do(ctx, k.file(), func() ([]byte, error) {
		if b, ok := p.cache.read(k); ok { // a flight for this key ended just now
			p.hits.Add(1)
			return b, nil
		}
		if wait, ok := p.limit.take(clientKey(client)); !ok {
			p.limited.Add(1)
			return nil, &problem.Error{Code: problem.RateLimited, Key: "error.rate_limited", Err: &LimitError{RetryAfter: wait}}
		}
		p.renders.Add(1)
		// Requests sharing this flight outlive the one that started it, so the
		// render is bounded by the renderer's own timeout, not by this request.
		b, err := p.render.RenderPDF(context.WithoutCancel(ctx), p.pageURL(c.Number, lang))
		if err != nil {
			return nil, err
		}
		if err := p.cache.write(k, b); err != nil {
			p.opt.Log.Warn("pdf: cache write failed; served uncached", "number", c.Number, "err", err)
		}
		return b, nil
	})
}

// pageURL is the printable page of the certificate on this very server.
func (p *Printer) pageURL(number string, lang i18n.Lang) string {
	return printlink.Loopback(p.opt.SelfURL()) + "/registry/" + url.PathEscape(number) + "/print?lang=" + url.QueryEscape(string(lang))
}

// Stats returns the counts so far.
func (p *Printer) Stats() Stats {
	return Stats{Renders: p.renders.Load(), Hits: p.hits.Load(), RateLimited: p.limited.Load()}
}

// Close stops the renderer, if it holds a browser.
func (p *Printer) Close() error {
	if c, ok := p.render.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// LimitError is the cause of a rate-limited miss: how long until a render is free.
type LimitError struct{ RetryAfter time.Duration }

func (e *LimitError) Error() string {
	return fmt.Sprintf("pdf: too many renders, retry after %s", e.RetryAfter)
}

// RetryAfterSeconds is the whole number of seconds to wait (at least 1), for the
// Retry-After header the adapters set on every 429.
func (e *LimitError) RetryAfterSeconds() int {
	return max(1, int((e.RetryAfter+time.Second-1)/time.Second))
}
