package pdf

import (
	"context"
	"strings"

	"github.com/itoir/miz/internal/cert/printlink"
	"github.com/itoir/miz/internal/problem"
)

// PagePDF prints a private page of this server to PDF — path is its path and query,
// e.g. an invoice's print page carrying a short-lived print token — for the client
// at address client. Misses are the only case here: a private page is never cached
// on disk, and it is limited like a certificate's miss (global and per address).
func (p *Printer) PagePDF(ctx context.Context, path, client string) ([]byte, error) {
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		return nil, problem.New(problem.NotFound, "error.not_found")
	}
	if wait, ok := p.limit.take(clientKey(client)); !ok {
		p.limited.Add(1)
		return nil, &problem.Error{Code: problem.RateLimited, Key: "error.rate_limited", Err: &LimitError{RetryAfter: wait}}
	}
	p.renders.Add(1)
	return p.render.RenderPDF(context.WithoutCancel(ctx), printlink.Loopback(p.opt.SelfURL())+path)
}
