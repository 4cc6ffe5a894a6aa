package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestRegistryPagesShowIssuedCertificates_Z41(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ring, err := keys.Open(t.TempDir(), db.Now)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := certify.NewLog(db, ring, "miz.test/log")
	reg := &certify.Registry{DB: db, Keys: ring, Log: l, BaseURL: "https://miz.test", Issuer: certify.DefaultIssuer("https://miz.test")}
	svcs, _ := catalog.Defaults()
	for _, s := range svcs {
		if s.ID == "certify" {
			reg.FromCatalog(s)
		}
	}
	nums, err := reg.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Log: slog.New(slog.DiscardHandler), Registry: reg}
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string) (int, string, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	code, _, body := get("/registry?q=%D8%B3%D9%BE%D9%8A%D8%AF") // Arabic yeh
	if code != 200 || !strings.Contains(body, "سامانه حسابداری سپید") || !strings.Contains(body, "<bdi dir=\"ltr\">CRT-") {
		t.Fatalf("search page %d", code)
	}
	code, _, body = get("/registry?q=%3Cscript%3Ealert(1)%3C/script%3E")
	if code != 200 || strings.Contains(body, "<script>alert") {
		t.Fatalf("html injection echoed: %d", code)
	}
	code, _, body = get("/registry/" + nums[len(nums)-1])
	if code != 200 || !strings.Contains(body, "cert-history") || !strings.Contains(body, "qr.png") {
		t.Fatalf("certificate page %d", code)
	}
	if code, _, _ := get("/registry/CRT-1300-000001"); code != 404 {
		t.Fatalf("unknown certificate: %d", code)
	}
	if code, ct, body := get("/registry/" + nums[0] + "/qr.png"); code != 200 || ct != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
		t.Fatalf("qr %d %s", code, ct)
	}
	if code, _, body := get("/registry/" + nums[0] + "/print"); code != 200 || !strings.Contains(body, "certificate-print") {
		t.Fatalf("print %d", code)
	}
	if code, ct, body := get("/registry/feed.atom"); code != 200 || !strings.HasPrefix(ct, "application/atom+xml") || !strings.Contains(body, "<entry>") {
		t.Fatalf("feed %d %s", code, ct)
	}
	if code, _, body := get("/.well-known/jwks.json"); code != 200 || !strings.Contains(body, ring.Active().ID) {
		t.Fatalf("jwks %d", code)
	}
	if code, _, body := get("/log/checkpoint"); code != 200 || !strings.HasPrefix(body, "miz.test/log\n") {
		t.Fatalf("checkpoint %d %q", code, body)
	}
	if code, _, body := get("/log/key"); code != 200 || !strings.HasPrefix(body, "miz.test/log+") {
		t.Fatalf("log key %d %q", code, body)
	}
	if code, _, _ := get("/registry/" + nums[0] + "/pdf"); code != 503 {
		t.Fatalf("PDF without a printer: %d, want 503", code)
	}
}
