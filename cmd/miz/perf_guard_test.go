package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// perfGuardFloor is the lowest ratio (Miz's in-process lookups per second over an
// http.FileServer's serving the same bytes) TestPerfGuardRegistryLookup accepts:
// about half of what it measured under -race on the shared 2-core machine (see
// docs/BENCHMARKS.md, "pubread"), so only a real regression fails it, such as the
// lookup going back through the session middleware and the database.
var perfGuardFloor = map[string]float64{"json": 1.0, "html": 1.0}

// TestPerfGuardRegistryLookup is issue 18's regression guard for the public
// registry lookup by number: in one process, with testing.Benchmark, the whole
// handler (ahead-of-middleware read, prepared bytes, security headers, metrics)
// against http.FileServer serving the same bytes from a file, both through
// httptest recorders. It compares the ratio loosely; it times nothing on its own.
func TestPerfGuardRegistryLookup(t *testing.T) {
	m := startDemo(t, "")
	n := activeNumber(t, m)
	handler := m.http.Handler
	dir := t.TempDir()
	files := http.FileServer(http.Dir(dir))
	for _, k := range []struct{ name, path, file string }{
		{"json", "/api/v1/registry/certificates/" + n, "cert.json"},
		{"html", "/registry/" + n, "cert.html"},
	} {
		req := httptest.NewRequest("GET", k.path, nil)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || len(rec.Header().Values("Set-Cookie")) != 0 {
			t.Fatalf("%s: %d, cookies %q", k.path, rec.Code, rec.Header().Values("Set-Cookie"))
		}
		body := rec.Body.Bytes()
		if err := os.WriteFile(filepath.Join(dir, k.file), body, 0o600); err != nil {
			t.Fatal(err)
		}
		fileReq := httptest.NewRequest("GET", "/"+k.file, nil)
		run := func(h http.Handler, r *http.Request) testing.BenchmarkResult {
			return testing.Benchmark(func(b *testing.B) {
				for b.Loop() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code != http.StatusOK || w.Body.Len() != len(body) {
						b.Fatalf("%s: %d, %d bytes", r.URL.Path, w.Code, w.Body.Len())
					}
				}
			})
		}
		// Baseline, Miz, baseline again: a burst of load from elsewhere hits both.
		// Up to three attempts, the best counting: a lookup that went back to the
		// database fails all three; a burst of load on a shared machine seldom
		// spoils three in a row (one did, at load average 21).
		var ratio float64
		for attempt := 1; attempt <= 3 && ratio < perfGuardFloor[k.name]; attempt++ {
			f1, mz, f2 := run(files, fileReq), run(handler, req), run(files, fileReq)
			fileNs := float64(f1.T.Nanoseconds()+f2.T.Nanoseconds()) / float64(f1.N+f2.N)
			ratio = max(ratio, fileNs/float64(mz.NsPerOp()))
			t.Logf("%s, attempt %d: miz %d ns/op, file server %.0f ns/op, ratio %.2f (floor %.2f)", k.name, attempt, mz.NsPerOp(), fileNs, fileNs/float64(mz.NsPerOp()), perfGuardFloor[k.name])
		}
		if ratio < perfGuardFloor[k.name] {
			t.Errorf("%s: registry lookup at %.2f× the file server, below the floor %.2f×", k.name, ratio, perfGuardFloor[k.name])
		}
	}
}
