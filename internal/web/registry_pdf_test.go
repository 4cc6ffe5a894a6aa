package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/pdf"
	"github.com/itoir/miz/internal/store/storetest"
)

// newRegistryServer serves the registry pages over a demo registry.
func newRegistryServer(t *testing.T) (*Server, *httptest.Server, []string) {
	t.Helper()
	db := storetest.OpenSQLite(t)
	ring, err := keys.Open(t.TempDir(), db.Now)
	if err != nil {
		t.Fatal(err)
	}
	l, err := certify.NewLog(db, ring, "miz.test/log")
	if err != nil {
		t.Fatal(err)
	}
	reg := &certify.Registry{DB: db, Keys: ring, Log: l, BaseURL: "https://miz.test", Issuer: certify.DefaultIssuer("https://miz.test")}
	reg.Validity.Amount, reg.Validity.Unit = 2, "years"
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
	t.Cleanup(srv.Close)
	return s, srv, nums
}

func getPath(t *testing.T, url string) (int, string, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// newPDFServer is the registry server with a real internal/pdf printer whose
// renderer is stubbed: it counts renders, so the cache and the limit are the real ones.
func newPDFServer(t *testing.T, rate float64, burst int, now func() time.Time) (*httptest.Server, []string, *stubRenderer) {
	t.Helper()
	s, srv, nums := newRegistryServer(t)
	r := &stubRenderer{}
	p, err := pdf.New(s.Registry, r, pdf.Options{Dir: filepath.Join(t.TempDir(), "pdf-cache"), SelfURL: func() string { return srv.URL },
		Rate: rate, Burst: burst, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	s.PDFs = p
	return srv, nums, r
}

// stubRenderer counts renders and records the page it was asked to print.
type stubRenderer struct {
	n   atomic.Int64
	url atomic.Value
}

func (p *stubRenderer) RenderPDF(_ context.Context, pageURL string) ([]byte, error) {
	p.n.Add(1)
	p.url.Store(pageURL)
	return []byte("%PDF-1.7 stub"), nil
}

func TestPrintPageStandsAloneAndPDFPrintsIt(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	srv, nums, r := newPDFServer(t, 1, 1, func() time.Time { return now })
	code, _, body := getPath(t, srv.URL+"/registry/"+nums[0]+"/print?lang=fa")
	if code != 200 || !strings.Contains(body, `css/print.css"`) || strings.Contains(body, `css/miz.css"`) ||
		strings.Contains(body, "<script") || strings.Contains(body, "style=") || !strings.Contains(body, `dir="rtl"`) {
		t.Fatalf("print page %d:\n%s", code, body)
	}
	code, ct, body := getPath(t, srv.URL+"/registry/"+nums[0]+"/pdf")
	if code != 200 || ct != "application/pdf" || body != "%PDF-1.7 stub" || r.url.Load() != srv.URL+"/registry/"+nums[0]+"/print?lang=fa" {
		t.Fatalf("pdf %d %s %q %v", code, ct, body, r.url.Load())
	}
	if code, _, _ := getPath(t, srv.URL+"/registry/CRT-1300-000001/pdf"); code != 404 {
		t.Fatalf("unknown number: %d", code)
	}
}

// TestPDFMissesOverTheLimitAnswer429_Issue11Item7: the public page serves a cached
// PDF without rendering, and refuses a render over the limit with Retry-After.
func TestPDFMissesOverTheLimitAnswer429_Issue11Item7(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	srv, nums, r := newPDFServer(t, 1, 1, func() time.Time { return now })
	for range 2 {
		if code, _, _ := getPath(t, srv.URL+"/registry/"+nums[0]+"/pdf"); code != 200 {
			t.Fatalf("first certificate: %d", code)
		}
	}
	if r.n.Load() != 1 {
		t.Fatalf("%d renders for one certificate asked twice", r.n.Load())
	}
	res, err := http.Get(srv.URL + "/registry/" + nums[1] + "/pdf?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "1" || !strings.Contains(string(b), "Too many requests") || r.n.Load() != 1 {
		t.Fatalf("over the limit: %d Retry-After=%q, %d renders\n%s", res.StatusCode, res.Header.Get("Retry-After"), r.n.Load(), b)
	}
	now = now.Add(time.Second)
	if code, _, _ := getPath(t, srv.URL+"/registry/"+nums[1]+"/pdf"); code != 200 || r.n.Load() != 2 {
		t.Fatalf("after Retry-After: %d, %d renders", code, r.n.Load())
	}
}
