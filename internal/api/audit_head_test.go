package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Security #11: the audit chain's signed head is public, and before the first anchor
// the route says so in the reader's language instead of failing.
func TestAuditHeadIsPublicAndSaysWhenThereIsNone(t *testing.T) {
	var head *AuditHead
	a := &API{Log: slog.New(slog.DiscardHandler), AuditHead: func(context.Context) (AuditHead, error) {
		if head == nil {
			return AuditHead{}, ErrNoAuditHead
		}
		return *head, nil
	}}
	mux := http.NewServeMux()
	a.Routes(mux)
	get := func(lang string) (int, map[string]any) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/api/v1/audit/head", nil)
		r.Header.Set("Accept-Language", lang)
		mux.ServeHTTP(w, r)
		out := map[string]any{}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("%d %q is not JSON", w.Code, w.Body.String())
		}
		return w.Code, out
	}
	code, body := get("en")
	if e, _ := body["error"].(map[string]any); code != 404 || e["message"] != "The audit chain has no signed head yet; try again shortly." {
		t.Fatalf("before the first anchor: %d %v", code, body)
	}
	if code, body := get("fa"); code != 404 || body["error"].(map[string]any)["message"] == "" {
		t.Fatalf("before the first anchor (fa): %d %v", code, body)
	}
	head = &AuditHead{Anchor: 3, Entries: 120, Head: "ab", SignedAt: time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC), Note: "n", VerifierKey: "k"}
	code, body = get("fa")
	if code != 200 || body["anchor"] != float64(3) || body["entries"] != float64(120) || body["signed_at"] != "2026-12-03T08:00:00Z" || body["note"] != "n" {
		t.Fatalf("head: %d %v", code, body)
	}
}
