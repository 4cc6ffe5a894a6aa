package server

import (
	"context"
	"log/slog"
)

// ContextHandler wraps a slog handler so that every record logged with the context of
// a request (Logger.ErrorContext(ctx, …), LogAttrs(ctx, …)) carries that request's ID:
// a failed request's error line and its access line share request_id, and the ID a
// person reads on an error page finds both. Records logged outside a request are
// passed on unchanged.
func ContextHandler(next slog.Handler) slog.Handler { return ctxHandler{next} }

type ctxHandler struct{ next slog.Handler }

func (h ctxHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h ctxHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.next.Handle(ctx, r)
}

func (h ctxHandler) WithAttrs(as []slog.Attr) slog.Handler { return ctxHandler{h.next.WithAttrs(as)} }

func (h ctxHandler) WithGroup(name string) slog.Handler { return ctxHandler{h.next.WithGroup(name)} }

// IsRequestAware marks a handler that already adds request IDs, so it is not wrapped twice.
func (ctxHandler) IsRequestAware() {}
