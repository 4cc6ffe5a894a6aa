package api

import (
	"context"
	"encoding/json"
	"fmt"
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
	certpdf "github.com/itoir/miz/internal/pdf"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func newRegistryAPI(t *testing.T) (*httptest.Server, []string, *certify.Registry) {
	t.Helper()
	return newRegistryAPIOn(t, storetest.OpenSQLite(t))
}

// newRegistryAPIOn is newRegistryAPI on db.
func newRegistryAPIOn(t *testing.T, db *store.DB) (*httptest.Server, []string, *certify.Registry) {
	t.Helper()
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
	a := &API{Log: slog.New(slog.DiscardHandler), Registry: reg}
	mux := http.NewServeMux()
	withDomain(a, db)
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, nums, reg
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func TestRegistryAPIReadsAreCacheable_Z41(t *testing.T) {
	srv, nums, _ := newRegistryAPI(t)
	res, body := get(t, srv.URL+"/api/v1/registry/certificates/"+nums[30])
	if res.StatusCode != 200 || !strings.Contains(body, `"history"`) || !strings.Contains(body, nums[30]) {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	etag := res.Header.Get("ETag")
	if etag == "" || !strings.Contains(res.Header.Get("Cache-Control"), "public") {
		t.Fatalf("headers %v", res.Header)
	}
	if res, _ := get(t, srv.URL+"/api/v1/registry/certificates/"+nums[30], "If-None-Match", etag); res.StatusCode != 304 {
		t.Fatalf("conditional: %d", res.StatusCode)
	}
	res, body = get(t, srv.URL+"/api/v1/registry/certificates/CRT-1399-000999")
	if res.StatusCode != 404 || !strings.Contains(body, `"not_found"`) {
		t.Fatalf("unknown: %d %s", res.StatusCode, body)
	}
	res, body = get(t, srv.URL+"/api/v1/registry/certificates?q="+"%D8%B3%D9%BE%D9%8A%D8%AF"+"&status=active") // سپيد, Arabic yeh
	var page certify.Results
	if err := json.Unmarshal([]byte(body), &page); err != nil || res.StatusCode != 200 || page.Total == 0 {
		t.Fatalf("search %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, srv.URL+"/api/v1/registry/certificates?status=bogus"); res.StatusCode != 400 {
		t.Fatalf("bad status: %d", res.StatusCode)
	}
	res, body = get(t, srv.URL+"/api/v1/registry/certificates/"+nums[30]+"/credential")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vc+jwt" || strings.Count(body, ".") != 2 {
		t.Fatalf("credential %d %v", res.StatusCode, res.Header)
	}
	res, body = get(t, srv.URL+"/api/v1/registry/certificates/"+nums[30]+"/proof")
	if res.StatusCode != 200 || !strings.HasPrefix(body, "c2sp.org/tlog-proof@v1\nextra ") {
		t.Fatalf("proof %d %q", res.StatusCode, body)
	}
	if res, _ := get(t, srv.URL+"/api/v1/registry/certificates/"+nums[30]+"/pdf"); res.StatusCode != 503 {
		t.Fatalf("pdf without renderer: %d", res.StatusCode)
	}
	for _, ext := range []string{"csv", "json", "xlsx"} {
		if res, body := get(t, srv.URL+"/api/v1/registry/export."+ext); res.StatusCode != 200 || len(body) < 1000 {
			t.Fatalf("export %s: %d", ext, res.StatusCode)
		}
	}
}

func TestRegistryCheckLimitsAndReportsPerItem(t *testing.T) {
	srv, _, reg := newRegistryAPI(t)
	c, _ := reg.Search(context.Background(), certify.Query{Status: certify.Active})
	one := c.Items[0]
	post := func(body string) (int, string) {
		res, err := http.Post(srv.URL+"/api/v1/registry/check?lang=en", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, string(b)
	}
	code, body := post(fmt.Sprintf(`{"items":[{"vendor_id":%q,"product":%q,"version":%q},{"vendor_id":"12","product":"x","version":"1"}]}`,
		one.HolderID, one.ProductName.EN, one.Versions[0]))
	if code != 200 || !strings.Contains(body, `"certified":true`) || !strings.Contains(body, `"invalid_vendor_id"`) {
		t.Fatalf("%d %s", code, body)
	}
	items := strings.TrimSuffix(strings.Repeat(`{"vendor_id":"1","product":"x"},`, certify.MaxCheckItems+1), ",")
	code, body = post(`{"items":[` + items + `]}`)
	if code != 400 || !strings.Contains(body, "At most 1000 items") {
		t.Fatalf("over the limit: %d %s", code, body)
	}
	if code, _ = post(`{"items":[{"vendor":"x"}]}`); code != 400 {
		t.Fatalf("unknown field: %d", code)
	}
}

// countingRenderer stands in for chromium behind the real internal/pdf printer.
type countingRenderer struct{ n atomic.Int64 }

func (r *countingRenderer) RenderPDF(context.Context, string) ([]byte, error) {
	r.n.Add(1)
	return []byte("%PDF-1.7 stub"), nil
}

// TestCertificatePDFIsCachedAndMissesAreLimited_Issue11Item7: the public API's PDF
// comes from the cache the second time, and a miss over the limit answers 429 with
// Retry-After and the localised problem.
func TestCertificatePDFIsCachedAndMissesAreLimited_Issue11Item7(t *testing.T) {
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
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	r := &countingRenderer{}
	p, err := certpdf.New(reg, r, certpdf.Options{Dir: filepath.Join(t.TempDir(), "pdf-cache"), SelfURL: func() string { return "http://127.0.0.1:1" },
		Rate: 0.5, Burst: 1, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	a := withDomain(&API{Log: slog.New(slog.DiscardHandler), Registry: reg, PDFs: p}, db)
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for range 2 {
		res, body := get(t, srv.URL+"/api/v1/registry/certificates/"+nums[0]+"/pdf")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || body != "%PDF-1.7 stub" {
			t.Fatalf("pdf %d %s", res.StatusCode, body)
		}
	}
	if r.n.Load() != 1 {
		t.Fatalf("%d renders for one certificate asked twice", r.n.Load())
	}
	res, body := get(t, srv.URL+"/api/v1/registry/certificates/"+nums[1]+"/pdf?lang=en")
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "2" || !strings.Contains(body, `"rate_limited"`) ||
		!strings.Contains(body, "Too many requests") || r.n.Load() != 1 {
		t.Fatalf("over the limit: %d Retry-After=%q %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if res, _ := get(t, srv.URL+"/api/v1/registry/certificates/CRT-1399-000999/pdf"); res.StatusCode != 404 {
		t.Fatalf("unknown: %d", res.StatusCode)
	}
}
