package main

import (
	"github.com/itoir/miz/internal/api"
	"github.com/itoir/miz/internal/server"
	"github.com/itoir/miz/internal/web"
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
