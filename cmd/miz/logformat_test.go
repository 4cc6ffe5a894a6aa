package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestJSONLogsCarryRequestIDs: issue 19, observability. With --log-format json every
// line is one JSON object, and the line of a request carries the X-Request-ID it
// answered with.
func TestJSONLogsCarryRequestIDs(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.LogFormat, cfg.LogLevel = "127.0.0.1:0", t.TempDir(), "json", "debug" // a 200 is logged at debug
	log, err := newLogger(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Out: &bytes.Buffer{}, Log: log}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	resp, err := http.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Header.Get("X-Request-ID")
	found := false
	for deadline := time.Now().Add(5 * time.Second); !found && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		found = hasRequestLine(t, buf.String(), "/healthz", id)
	}
	if id == "" || !found {
		t.Fatalf("no JSON line for GET /healthz with request_id %q in:\n%s", id, buf.String())
	}
	if _, err := newLogger(&buf, Config{LogFormat: "xml"}); err == nil {
		t.Fatal("--log-format xml accepted")
	}
}

// hasRequestLine reports whether the JSON log holds the request line of path with id;
// every line must be JSON.
func hasRequestLine(t *testing.T, log, path, id string) bool {
	t.Helper()
	found := false
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		if rec["msg"] == "http" && rec["path"] == path && rec["request_id"] == id {
			found = true
		}
	}
	return found
}
