package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/server"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Issue 19, rolling upgrade: /readyz of an older instance stays 200 while the schema
// is newer only by additive migrations, and turns 503 once one marked breaking is
// recorded in the ledger (rows written here as a newer binary's migrate would).
func TestReadyzDuringRollingUpgrade_Issue19(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h := server.Handler(server.Options{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		get := func() (int, string) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			b, _ := io.ReadAll(rec.Body)
			return rec.Code, string(b)
		}
		if code, body := get(); code != 200 || body != "ready\n" {
			t.Fatalf("at its own version: %d %q", code, body)
		}
		v := db.LatestVersion() + 1000
		exec := func(q string, args ...any) {
			t.Helper()
			if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
				t.Fatal(err)
			}
		}
		exec("INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)", v, "9999_added.sql", 1, "x")
		if code, body := get(); code != 200 || !strings.Contains(body, "newer") {
			t.Fatalf("newer additive schema: %d %q, want 200", code, body)
		}
		exec("INSERT INTO schema_migrations (version, name, applied_at, checksum, breaking) VALUES (?, ?, ?, ?, 1)", v+1, "9999_dropped.sql", 2, "y")
		if code, body := get(); code != http.StatusServiceUnavailable {
			t.Fatalf("newer breaking schema: %d %q, want 503", code, body)
		}
	})
}
