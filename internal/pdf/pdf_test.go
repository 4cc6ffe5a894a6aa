package pdf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// countingRenderer stands in for the browser: it counts renders and answers a
// PDF naming the page and the render's ordinal, so a re-render is told apart.
type countingRenderer struct {
	n     atomic.Int64
	urls  chan string   // when set, hears each page asked for
	block chan struct{} // when set, each render waits for it to close
}

func (r *countingRenderer) RenderPDF(ctx context.Context, pageURL string) ([]byte, error) {
	n := r.n.Add(1)
	if r.urls != nil {
		r.urls <- pageURL
	}
	if r.block != nil {
		<-r.block
	}
	return fmt.Appendf(nil, "%%PDF-1.7 render %d of %s", n, pageURL), nil
}

// demoRegistry is a real registry with the demo certificates, on SQLite.
func demoRegistry(t *testing.T) (*certify.Registry, *store.DB, []string) {
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
	return reg, db, nums
}

// activeNumbers returns n active demo certificates.
func activeNumbers(t *testing.T, reg *certify.Registry, n int) []string {
	t.Helper()
	res, err := reg.Search(context.Background(), certify.Query{Status: certify.Active})
	if err != nil || len(res.Items) < n {
		t.Fatalf("want %d active certificates: %v", n, err)
	}
	var out []string
	for _, c := range res.Items[:n] {
		out = append(out, c.Number)
	}
	return out
}

func newPrinter(t *testing.T, reg *certify.Registry, r Renderer, o Options) *Printer {
	t.Helper()
	if o.Dir == "" {
		o.Dir = filepath.Join(t.TempDir(), "pdf-cache")
	}
	o.SelfURL = func() string { return "http://[::]:8080" }
	p, err := New(reg, r, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSecondRequestIsServedFromTheDiskCache_Issue11Item7(t *testing.T) {
	reg, _, _ := demoRegistry(t)
	num := activeNumbers(t, reg, 1)[0]
	r := &countingRenderer{}
	dir := filepath.Join(t.TempDir(), "pdf-cache")
	p := newPrinter(t, reg, r, Options{Dir: dir, Layout: "v1"})
	ctx := context.Background()
	first, err := p.CertificatePDF(ctx, num, "fa", "192.0.2.1")
	if err != nil || !strings.Contains(string(first), "http://127.0.0.1:8080/registry/"+num+"/print?lang=fa") {
		t.Fatalf("first: %q %v", first, err)
	}
	second, err := p.CertificatePDF(ctx, strings.ToLower(num), "fa", "192.0.2.1")
	if err != nil || string(second) != string(first) || r.n.Load() != 1 {
		t.Fatalf("second: %q %v after %d renders", second, err, r.n.Load())
	}
	if s := p.Stats(); s.Renders != 1 || s.Hits != 1 {
		t.Fatalf("stats %+v", s)
	}
	files, _ := filepath.Glob(filepath.Join(dir, num+"-*-fa.pdf"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	fi, err := os.Stat(files[0])
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode %v %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("cache dir mode %v", di.Mode())
	}
	// The cache is on disk: a new printer (a restart) renders nothing either.
	p2 := newPrinter(t, reg, r, Options{Dir: dir, Layout: "v1"})
	if b, err := p2.CertificatePDF(ctx, num, "fa", "192.0.2.1"); err != nil || string(b) != string(first) || r.n.Load() != 1 {
		t.Fatalf("after restart: %v, %d renders", err, r.n.Load())
	}
	// Another language, or a new layout (an upgrade), is another PDF.
	if _, err := p2.CertificatePDF(ctx, num, "en", "192.0.2.1"); err != nil || r.n.Load() != 2 {
		t.Fatalf("english: %v, %d renders", err, r.n.Load())
	}
	p3 := newPrinter(t, reg, r, Options{Dir: dir, Layout: "v2"})
	if _, err := p3.CertificatePDF(ctx, num, "fa", "192.0.2.1"); err != nil || r.n.Load() != 3 {
		t.Fatalf("new layout: %v, %d renders", err, r.n.Load())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestRevokedCertificateGetsANewPDF_Issue11Item7(t *testing.T) {
	reg, db, _ := demoRegistry(t)
	num := activeNumbers(t, reg, 1)[0]
	r := &countingRenderer{}
	dir := filepath.Join(t.TempDir(), "pdf-cache")
	p := newPrinter(t, reg, r, Options{Dir: dir})
	ctx := context.Background()
	before, err := p.CertificatePDF(ctx, num, "fa", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error {
		_, err := reg.ChangeStatus(ctx, tx, num, certify.Revoked, "test: key compromise", "test")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	after, err := p.CertificatePDF(ctx, num, "fa", "192.0.2.1")
	if err != nil || string(after) == string(before) || r.n.Load() != 2 {
		t.Fatalf("after revocation: %q %v, %d renders", after, err, r.n.Load())
	}
	// The superseded version's file is gone; the new one is served from now on.
	files, _ := filepath.Glob(filepath.Join(dir, num+"-*-fa.pdf"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	if again, _ := p.CertificatePDF(ctx, num, "fa", "192.0.2.1"); string(again) != string(after) || r.n.Load() != 2 {
		t.Fatalf("revoked PDF not cached: %d renders", r.n.Load())
	}
}

func TestUnknownCertificateIsNotFoundAndRendersNothing(t *testing.T) {
	reg, _, _ := demoRegistry(t)
	r := &countingRenderer{}
	p := newPrinter(t, reg, r, Options{})
	if _, err := p.CertificatePDF(context.Background(), "CRT-1300-000001", "fa", "192.0.2.1"); !errors.Is(err, store.ErrNotFound) || r.n.Load() != 0 {
		t.Fatalf("got %v after %d renders", err, r.n.Load())
	}
}

func TestMissesOverTheRateLimitAreRefusedWithRetryAfter_Issue11Item7(t *testing.T) {
	reg, _, _ := demoRegistry(t)
	nums := activeNumbers(t, reg, 4)
	r := &countingRenderer{}
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	p := newPrinter(t, reg, r, Options{Rate: 0.5, Burst: 2, Now: func() time.Time { return now }})
	ctx := context.Background()
	// Each from another address, so only the global bucket speaks.
	for i, n := range nums[:2] {
		if _, err := p.CertificatePDF(ctx, n, "fa", fmt.Sprintf("192.0.2.%d", i+1)); err != nil {
			t.Fatalf("within the burst: %v", err)
		}
	}
	_, err := p.CertificatePDF(ctx, nums[2], "fa", "192.0.2.3")
	pe := problem.As(err)
	var le *LimitError
	if pe.Code != problem.RateLimited || pe.Key != "error.rate_limited" || !errors.As(err, &le) || le.RetryAfterSeconds() != 2 {
		t.Fatalf("over the limit: %v", err)
	}
	// Hits cost nothing: a cached PDF is still served while misses are refused.
	if _, err := p.CertificatePDF(ctx, nums[0], "fa", "192.0.2.4"); err != nil {
		t.Fatalf("hit while limited: %v", err)
	}
	now = now.Add(time.Second) // half a token: still refused, one second to go
	if _, err := p.CertificatePDF(ctx, nums[2], "fa", "192.0.2.3"); !errors.As(err, &le) || le.RetryAfterSeconds() != 1 {
		t.Fatalf("half a token: %v", err)
	}
	now = now.Add(time.Second)
	if _, err := p.CertificatePDF(ctx, nums[2], "fa", "192.0.2.3"); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	if s := p.Stats(); s.Renders != 3 || s.RateLimited != 2 || s.Hits != 1 || r.n.Load() != 3 {
		t.Fatalf("stats %+v, %d renders", s, r.n.Load())
	}
}

// TestOneClientCannotSpendEveryonesRenders_Issue11Item7: an address over its own
// limit is refused while another address still gets its render; an IPv6 client
// is counted by its /64.
func TestOneClientCannotSpendEveryonesRenders_Issue11Item7(t *testing.T) {
	reg, _, _ := demoRegistry(t)
	nums := activeNumbers(t, reg, 5)
	r := &countingRenderer{}
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	p := newPrinter(t, reg, r, Options{Rate: 100, Burst: 100, ClientRate: 0.2, ClientBurst: 1, Now: func() time.Time { return now }})
	ctx := context.Background()
	if _, err := p.CertificatePDF(ctx, nums[0], "fa", "2001:db8:1:2::10"); err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	if _, err := p.CertificatePDF(ctx, nums[1], "fa", "2001:db8:1:2::99"); !errors.As(err, &le) || le.RetryAfterSeconds() != 5 {
		t.Fatalf("same /64 over its limit: %v", err)
	}
	if _, err := p.CertificatePDF(ctx, nums[1], "fa", "198.51.100.7"); err != nil {
		t.Fatalf("another client: %v", err)
	}
	now = now.Add(5 * time.Second)
	if _, err := p.CertificatePDF(ctx, nums[2], "fa", "2001:db8:1:2::99"); err != nil {
		t.Fatalf("after its wait: %v", err)
	}
	if r.n.Load() != 3 {
		t.Fatalf("%d renders", r.n.Load())
	}
}

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":         "192.0.2.1",
		"::ffff:192.0.2.1":  "192.0.2.1",
		"2001:db8:1:2::10":  "2001:db8:1:2::/64",
		"2001:db8:1:2:ff::": "2001:db8:1:2::/64",
		"not-an-ip":         "not-an-ip",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConcurrentMissesForOneCertificateRenderOnce_Issue11Item7(t *testing.T) {
	reg, _, _ := demoRegistry(t)
	num := activeNumbers(t, reg, 1)[0]
	r := &countingRenderer{urls: make(chan string, 1), block: make(chan struct{})}
	// Burst 1: a second render would be refused, so sharing is the only way all pass.
	p := newPrinter(t, reg, r, Options{Rate: 0.001, Burst: 1})
	const waiters = 5
	joined := make(chan string, waiters)
	p.flights.joined = func(key string) { joined <- key }
	ctx := context.Background()
	var wg sync.WaitGroup
	results := make([][]byte, waiters+1)
	errs := make([]error, waiters+1)
	wg.Go(func() { results[0], errs[0] = p.CertificatePDF(ctx, num, "fa", "192.0.2.1") })
	<-r.urls // the first request is rendering
	for i := 1; i <= waiters; i++ {
		wg.Go(func() { results[i], errs[i] = p.CertificatePDF(ctx, num, "fa", "192.0.2.1") })
	}
	for range waiters {
		<-joined
	}
	close(r.block)
	wg.Wait()
	for i := range results {
		if errs[i] != nil || string(results[i]) != string(results[0]) {
			t.Fatalf("request %d: %q %v", i, results[i], errs[i])
		}
	}
	if r.n.Load() != 1 {
		t.Fatalf("%d renders for one certificate", r.n.Load())
	}
}

func TestKeyRefusesNumbersThatAreNotFileNames(t *testing.T) {
	for _, n := range []string{"../../etc/passwd", "", "CRT/1", "-x", strings.Repeat("A", 65)} {
		if _, err := keyOf(certify.Certificate{Number: n}, "fa", ""); err == nil {
			t.Errorf("keyOf(%q) accepted", n)
		}
	}
}

func TestChromeWithoutChromiumIsUnavailable(t *testing.T) {
	c := NewChrome("/nonexistent/chromium", 1, nil)
	defer c.Close()
	_, err := c.RenderPDF(context.Background(), "http://127.0.0.1:1/")
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != problem.Unavailable || pe.Key != "certify.error.pdf_unavailable" {
		t.Fatalf("got %v, want Unavailable with the localised key", err)
	}
}
