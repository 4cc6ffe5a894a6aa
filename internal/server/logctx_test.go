package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Architecture #12: a failed request's own log lines carry the request ID that the
// access line and the X-Request-ID header carry.
func TestFailedRequestLogLinesCarryTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(ContextHandler(slog.NewTextHandler(&buf, nil)))
	h := logRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.ErrorContext(r.Context(), "request failed", "err", "boom")
		http.Error(w, "x", http.StatusInternalServerError)
	}), log)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	id := rec.Header().Get("X-Request-ID")
	if id == "" {
		t.Fatal("no X-Request-ID")
	}
	var failed, access bool
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		has := strings.Contains(line, "request_id="+id)
		switch {
		case strings.Contains(line, `msg="request failed"`):
			failed = has
		case strings.Contains(line, "msg=http"):
			access = has
		}
		if strings.Count(line, "request_id=") > 1 {
			t.Errorf("request_id twice: %s", line)
		}
	}
	if !failed || !access {
		t.Fatalf("request id %s missing (error line %v, access line %v):\n%s", id, failed, access, buf.String())
	}
	buf.Reset()
	log.Error("outside a request")
	if strings.Contains(buf.String(), "request_id") {
		t.Fatalf("request_id outside a request: %s", buf.String())
	}
}
