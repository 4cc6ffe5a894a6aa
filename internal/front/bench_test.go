package front

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// pageReader answers /registry/{n} with a body the size of a certificate page
// and the dozen header lines Miz sends with it, made once as Miz makes them.
type pageReader struct {
	body []byte
	hdr  []headerLine
}

type headerLine struct {
	key    string
	values []string
}

func newPageReader() pageReader {
	p := pageReader{body: bytes.Repeat([]byte("x"), 3584)}
	for _, kv := range [][2]string{
		{"Content-Security-Policy", "default-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'"},
		{"X-Content-Type-Options", "nosniff"}, {"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"}, {"Cross-Origin-Opener-Policy", "same-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"}, {"X-Request-Id", "0123456789abcdef"},
		{"Etag", `"0123456789abcdef0123456789abcdef"`}, {"Cache-Control", "public, max-age=0, must-revalidate, s-maxage=1"},
		{"Vary", "Accept-Encoding, Cookie"}, {"Content-Type", "text/html; charset=utf-8"},
		{"Content-Length", strconv.Itoa(len(p.body))},
	} {
		p.hdr = append(p.hdr, headerLine{kv[0], []string{kv[1]}})
	}
	return p
}

func (pageReader) Prefixes() []string { return []string{"/registry/"} }

func (p pageReader) Read(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != "/registry/CRT-1405-000500" {
		return false
	}
	h := w.Header()
	for _, l := range p.hdr {
		h[l.key] = l.values
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(p.body)
	return true
}

// viaNetHTTP is the same reader served by net/http alone.
func viaNetHTTP(r Reader) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !r.Read(w, req) {
			http.NotFound(w, req)
		}
	})
}

// benchServer serves pageReader through the front or through net/http alone.
func benchServer(tb testing.TB, withFront bool) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	r := newPageReader()
	srv := &http.Server{Handler: viaNetHTTP(r), ReadHeaderTimeout: 10 * time.Second}
	var served net.Listener = ln
	if withFront {
		served = Listen(ln, r, Options{})
	}
	go func() { _ = srv.Serve(served) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// roundTrips sends n requests one after another on one connection, reading each
// answer (status line, headers, Content-Length bytes) before the next.
func roundTrips(tb testing.TB, addr string, n int) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET /registry/CRT-1405-000500 HTTP/1.1\r\nHost: registry.example\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	br := bufio.NewReaderSize(c, 16<<10)
	for range n {
		if _, err := c.Write(req); err != nil {
			tb.Fatal(err)
		}
		length := -1
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				tb.Fatal(err)
			}
			if len(line) <= 2 {
				break
			}
			if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
				length, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
			}
		}
		if length < 0 {
			tb.Fatal("no Content-Length")
		}
		if _, err := br.Discard(length); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkPublicRead: a certificate page's request and answer over loopback, the
// front against net/http serving the same reader (issue 18; docs/BENCHMARKS.md).
//
//	go test -run x -bench PublicRead -count 5 ./internal/front/
func BenchmarkPublicRead(b *testing.B) {
	for _, c := range []struct {
		name  string
		front bool
	}{{"nethttp", false}, {"front", true}} {
		b.Run(c.name, func(b *testing.B) {
			addr := benchServer(b, c.front)
			b.ReportAllocs()
			b.ResetTimer()
			roundTrips(b, addr, b.N)
		})
	}
}

// Issue 18 regression guard, on a count rather than a time: the front must keep
// doing a small part of net/http's work per read (allocations per request and
// answer, client included, the same reader on both sides), or it has lost its
// reason to exist. Speed, which a busy machine blurs, is logged.
func TestPerfGuardFront_Issue18(t *testing.T) {
	nh, fr := benchServer(t, false), benchServer(t, true)
	base := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); roundTrips(b, nh, b.N) })
	got := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); roundTrips(b, fr, b.N) })
	t.Logf("per read: net/http %d ns, %d allocations; front %d ns, %d allocations", base.NsPerOp(), base.AllocsPerOp(),
		got.NsPerOp(), got.AllocsPerOp())
	if got.AllocsPerOp()*4 > base.AllocsPerOp() {
		t.Errorf("the front allocates %d times per read, net/http %d: want at most a quarter", got.AllocsPerOp(), base.AllocsPerOp())
	}
}
