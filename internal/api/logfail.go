package api

import (
	"log/slog"
	"net/http"
)

// logFailure logs a request that failed on the server's side. It is the same line
// the web writes (web.logFailure): the same message and attributes, logged with the
// request's context so that the request ID is attached (server.ContextHandler).
func logFailure(log *slog.Logger, r *http.Request, err error) {
	log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
}
