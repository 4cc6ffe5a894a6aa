package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestServiceVersionsEndpoint_C46 reads the catalog through the API on the database
// catalog: the list, the version in force with the file format's keys, a version by
// number, and JSON 404s for what does not exist.
func TestServiceVersionsEndpoint_C46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := catalogdb.New(db)
		srcs, err := catalog.DefaultSources()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Seed(ctx, srcs); err != nil {
			t.Fatal(err)
		}
		a := &API{Log: slog.New(slog.DiscardHandler), Services: st.List,
			Cases: &cases.Engine{DB: db, Catalog: st.Catalog}}
		mux := http.NewServeMux()
		withDomain(a, db)
		a.Routes(mux)
		get := func(path string) (int, map[string]any) {
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			out := map[string]any{}
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
				t.Fatalf("GET %s: %d %q is not JSON", path, w.Code, w.Body.String())
			}
			return w.Code, out
		}
		code, list := get("/api/v1/services")
		if code != 200 || len(list["services"].([]any)) != 2 {
			t.Fatalf("list: %d %v", code, list)
		}
		code, svc := get("/api/v1/services/certify")
		if code != 200 || svc["id"] != "certify" || svc["version"] != float64(1) || svc["national_service_id"] == nil {
			t.Fatalf("current: %d %v", code, svc)
		}
		if _, ok := svc["case_kinds"].([]any); !ok || svc["effective_from"] != "2021-03-21" {
			t.Errorf("current: want the file format's keys, got effective_from %v", svc["effective_from"])
		}
		code, v1 := get("/api/v1/services/cert/versions/1")
		if code != 200 || v1["id"] != "cert" {
			t.Fatalf("version 1: %d %v", code, v1)
		}
		for _, p := range []string{"/api/v1/services/certify/versions/2", "/api/v1/services/nope",
			"/api/v1/services/nope/versions/1", "/api/v1/services/certify/versions/x"} {
			code, body := get(p)
			errBody, _ := body["error"].(map[string]any)
			if code != 404 || errBody["code"] != "not_found" {
				t.Errorf("GET %s: %d %v, want a JSON 404", p, code, body)
			}
		}
		if !strings.Contains(a.DeclaredRoutes()[len(a.DeclaredRoutes())-1].Path, "openapi") {
			t.Error("routes not declared")
		}
	})
}
