package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
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

// stubPDF records the page it was asked to print.
type stubPDF struct{ url string }

func (p *stubPDF) RenderPDF(_ context.Context, pageURL string) ([]byte, error) {
	p.url = pageURL
	return []byte("%PDF-1.7 stub"), nil
}

func TestLoopbackURLReachesTheListener(t *testing.T) {
	for in, want := range map[string]string{
		"http://[::]:8080":         "http://127.0.0.1:8080",
		"http://0.0.0.0:80":        "http://127.0.0.1:80",
		"https://127.0.0.1:8443":   "https://127.0.0.1:8443",
		"http://desk.ito.gov:8080": "http://desk.ito.gov:8080",
	} {
		if got := loopbackURL(in); got != want {
			t.Errorf("loopbackURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChromePDFWithoutChromiumIsUnavailable(t *testing.T) {
	c := NewChromePDF("/nonexistent/chromium", 1)
	defer c.Close()
	_, err := c.RenderPDF(context.Background(), "http://127.0.0.1:1/")
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != problem.Unavailable || pe.Key != "certify.error.pdf_unavailable" {
		t.Fatalf("got %v, want Unavailable with the localised key", err)
	}
}

func TestPrintPageStandsAloneAndPDFPrintsIt(t *testing.T) {
	s, srv, nums := newRegistryServer(t)
	code, _, body := getPath(t, srv.URL+"/registry/"+nums[0]+"/print?lang=fa")
	if code != 200 || !strings.Contains(body, `css/print.css"`) || strings.Contains(body, `css/miz.css"`) ||
		strings.Contains(body, "<script") || strings.Contains(body, "style=") || !strings.Contains(body, `dir="rtl"`) {
		t.Fatalf("print page %d:\n%s", code, body)
	}
	stub := &stubPDF{}
	s.PDF, s.SelfURL = stub, func() string { return "http://[::]:8080" }
	b, err := s.CertificatePDF(context.Background(), nums[0], "fa")
	if err != nil || string(b) != "%PDF-1.7 stub" || stub.url != "http://127.0.0.1:8080/registry/"+nums[0]+"/print?lang=fa" {
		t.Fatalf("%q %v %s", b, err, stub.url)
	}
	if _, err := s.CertificatePDF(context.Background(), "CRT-1300-000001", "fa"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown number: %v", err)
	}
}
