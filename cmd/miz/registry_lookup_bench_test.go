package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
)

// lookupClients is how many clients fetch at once in BenchmarkRegistryLookup.
const lookupClients = 8

// BenchmarkRegistryLookup measures GET /api/v1/registry/certificates/{number} on
// the whole program (middleware, session lookup, database, ETag) against an
// http.FileServer serving the same JSON bytes, both over real HTTP on 127.0.0.1
// with lookupClients concurrent keep-alive clients, in the same run, so the ratio
// holds on a busy machine (issue 6 asks for ≥ 0.6×). Run with
//
//	go test -run XXX -bench RegistryLookup -benchtime 20000x ./cmd/miz
func BenchmarkRegistryLookup(b *testing.B) {
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo = "127.0.0.1:0", b.TempDir(), true
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.DiscardHandler)}
	if err := m.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: lookupClients}}
	defer client.CloseIdleConnections()
	res, err := m.Registry.Search(context.Background(), certify.Query{Status: certify.Active})
	if err != nil || len(res.Items) == 0 {
		b.Fatalf("no certificate: %v", err)
	}
	apiURL := m.URL() + "/api/v1/registry/certificates/" + res.Items[0].Number
	body, err := fetch(client, apiURL)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cert.json"), body, 0o600); err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	static := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	go func() { _ = static.Serve(ln) }()
	defer static.Close()
	fileURL := "http://" + ln.Addr().String() + "/cert.json"

	// Alternate halves so that a burst of load from elsewhere hits both sides.
	var mizTime, fileTime time.Duration
	b.ResetTimer()
	for _, half := range []int{b.N / 2, b.N - b.N/2} {
		d, err := hammer(client, fileURL, half, len(body))
		if err != nil {
			b.Fatal(err)
		}
		fileTime += d
		if d, err = hammer(client, apiURL, half, len(body)); err != nil {
			b.Fatal(err)
		}
		mizTime += d
	}
	b.StopTimer()
	mizRate, fileRate := float64(b.N)/mizTime.Seconds(), float64(b.N)/fileTime.Seconds()
	b.ReportMetric(mizRate, "miz-req/s")
	b.ReportMetric(fileRate, "file-req/s")
	b.ReportMetric(mizRate/fileRate, "ratio")
	b.ReportMetric(0, "ns/op")
}

// hammer sends n GETs of url from lookupClients goroutines and returns the time
// taken; every answer must be 200 with size bytes.
func hammer(client *http.Client, url string, n, size int) (time.Duration, error) {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	var once sync.Once
	var failure error
	start := time.Now()
	for range lookupClients {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				b, err := fetch(client, url)
				if err == nil && len(b) != size {
					err = fmt.Errorf("%s: %d bytes, want %d", url, len(b), size)
				}
				if err != nil {
					once.Do(func() { failure = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), failure
}

func fetch(client *http.Client, url string) ([]byte, error) {
	res, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s: %s", url, res.Status)
	}
	return b, err
}
