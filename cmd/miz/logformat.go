package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// newLogger is the server's logger in the configured format: "text" (key=value, for
// people) or "json" (one object a line, for a log collector). Every line of a request
// carries its request_id either way (server.ContextHandler wraps it in openStore).
func newLogger(w io.Writer, cfg Config) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: parseLevel(cfg.LogLevel)}
	switch strings.ToLower(cfg.LogFormat) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("config: --log-format %q: want text or json", cfg.LogFormat)
}
