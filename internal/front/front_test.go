package front

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testReader answers GET/HEAD /registry/{n} for n = A or B, as a public read
// does: headers, an ETag, 304 on a match, the body unless HEAD.
type testReader struct{ panicOn string }

func (testReader) Prefixes() []string { return []string{"/registry/"} }

func (t testReader) Read(w http.ResponseWriter, r *http.Request) bool {
	n := strings.TrimPrefix(r.URL.Path, "/registry/")
	if t.panicOn != "" && n == t.panicOn {
		panic("reader broke")
	}
	if n != "A" && n != "B" || r.Header.Get("Cookie") != "" {
		return false
	}
	body := "front:" + n + ":" + r.URL.RawQuery
	h := w.Header()
	h.Set("Content-Type", "text/plain")
	h.Set("Etag", `"`+n+`"`)
	h.Set("X-Injected", "a\r\nSet-Cookie: x=1")
	if r.Header.Get("If-None-Match") == `"`+n+`"` {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	h.Set("Content-Length", "999") // wrong on purpose: the front sends the real length
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, body)
	return true
}

// full is net/http's side: it echoes the method, path and body it read.
var full = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	_, _ = io.WriteString(w, "full:"+r.Method+" "+r.URL.RequestURI()+" "+string(b))
})

// serve starts net/http behind the front (or alone, with front false) on a
// loopback port.
func serve(t *testing.T, withFront bool, r Reader, o Options) (addr string, l *Listener, srv *http.Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv = &http.Server{Handler: full, ReadHeaderTimeout: 5 * time.Second}
	var served net.Listener = ln
	if withFront {
		l = Listen(ln, r, o)
		served = l
	}
	go func() { _ = srv.Serve(served) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), l, srv
}

// exchange writes raw to a new connection and reads n responses (the body of a
// response to HEAD is not read).
func exchange(t *testing.T, addr, raw string, methods ...string) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("response %d to %q: %v", len(out)+1, raw, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
		resp.Header.Set("X-Body", string(b))
		out = append(out, resp)
	}
	return out
}

// Issue 18: the front answers a public read itself and hands the connection to
// net/http at the first request it does not answer, with everything read ahead:
// pipelined requests keep their order, and the connection stays with net/http.
func TestFrontAnswersPublicReadsAndHandsOverTheRest_Issue18(t *testing.T) {
	addr, l, _ := serve(t, true, testReader{}, Options{})
	raw := "GET /registry/A?lang=en HTTP/1.1\r\nHost: x\r\n\r\n" +
		"HEAD /registry/B HTTP/1.1\r\nhost: x\r\n\r\n" +
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"A\"\r\n\r\n" +
		"GET /other HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /registry/B HTTP/1.1\r\nHost: x\r\n\r\n"
	rs := exchange(t, addr, raw, "GET", "HEAD", "GET", "GET", "GET")
	want := []struct {
		status      int
		body, clen  string
		fromTheFont bool
	}{
		{200, "front:A:lang=en", "15", true},
		{200, "", "999", true}, // HEAD: the reader's length stands
		{304, "", "", true},
		{200, "full:GET /other ", "16", false},
		{200, "full:GET /registry/B ", "21", false}, // the connection is net/http's now
	}
	for i, w := range want {
		r := rs[i]
		if r.StatusCode != w.status || r.Header.Get("X-Body") != w.body || r.Header.Get("Content-Length") != w.clen {
			t.Errorf("response %d: %d %q length %q, want %d %q length %q", i+1, r.StatusCode, r.Header.Get("X-Body"),
				r.Header.Get("Content-Length"), w.status, w.body, w.clen)
		}
		if w.fromTheFont && (r.Header.Get("Date") == "" || r.Header.Get("Set-Cookie") != "" || r.Header.Get("X-Injected") != "a  Set-Cookie: x=1") {
			t.Errorf("response %d: Date %q, Set-Cookie %q, X-Injected %q: a header line was split or Date is missing",
				i+1, r.Header.Get("Date"), r.Header.Get("Set-Cookie"), r.Header.Get("X-Injected"))
		}
	}
	if a, h := l.Stats(); a != 3 || h != 1 {
		t.Errorf("front answered %d and handed over %d, want 3 and 1", a, h)
	}
}

// Issue 18: whatever the front does not answer, net/http answers exactly as it
// would alone: bodies, smuggling attempts, other versions, odd targets, malformed
// or oversized heads. The same bytes go to net/http alone and behind the front.
func TestFrontChangesNothingForWhatItDoesNotAnswer_Issue18(t *testing.T) {
	alone, _, _ := serve(t, false, testReader{}, Options{})
	behind, l, _ := serve(t, true, testReader{}, Options{})
	long := strings.Repeat("a", 9000)
	cases := []string{
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 7\r\n\r\n",
		"GET /registry/A HTTP/1.0\r\nHost: x\r\n\r\n",
		"get /registry/A HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /registry/A HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi",
		"GET http://x/registry/A HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /registry/%41 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /registry/../registry/A HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nX-A: 1\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nX-A: \x01\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nCookie: " + long + "\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
		"GET /registry/C HTTP/1.1\r\nHost: x\r\n\r\n", // declined by the reader
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nCookie: miz_session=1\r\n\r\n",
	}
	for _, raw := range cases {
		a := exchange(t, alone, raw, "GET")[0]
		b := exchange(t, behind, raw, "GET")[0]
		if a.StatusCode != b.StatusCode || a.Header.Get("X-Body") != b.Header.Get("X-Body") {
			t.Errorf("%q:\n net/http alone: %d %q\n behind the front: %d %q", raw, a.StatusCode, a.Header.Get("X-Body"),
				b.StatusCode, b.Header.Get("X-Body"))
		}
	}
	if a, h := l.Stats(); a != 0 || h != int64(len(cases)) {
		t.Errorf("front answered %d and handed over %d, want 0 and %d", a, h, len(cases))
	}
}

// Issue 18: Connection: close is honoured, an idle connection ends after the idle
// timeout, and a reader's panic ends only its own connection.
func TestFrontConnectionLimits_Issue18(t *testing.T) {
	addr, _, _ := serve(t, true, testReader{panicOn: "P"}, Options{IdleTimeout: 200 * time.Millisecond})
	closedAfter := func(raw string) (string, time.Duration) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = io.WriteString(c, raw)
		start := time.Now()
		b, err := io.ReadAll(c) // until the server closes
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		return string(b), time.Since(start)
	}
	got, _ := closedAfter("GET /registry/A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if !strings.Contains(got, "\r\nConnection: close\r\n") || !strings.HasSuffix(got, "front:A:") {
		t.Errorf("Connection: close: %q", got)
	}
	got, took := closedAfter("GET /registry/B HTTP/1.1\r\nHost: x\r\n\r\n")
	if !strings.HasSuffix(got, "front:B:") || took > 5*time.Second {
		t.Errorf("idle connection: %q closed after %s", got, took)
	}
	if got, _ := closedAfter("GET /registry/P HTTP/1.1\r\nHost: x\r\n\r\n"); got != "" {
		t.Errorf("a reader's panic answered %q, want the connection closed", got)
	}
	if r := exchange(t, addr, "GET /registry/A HTTP/1.1\r\nHost: x\r\n\r\n", "GET")[0]; r.Header.Get("X-Body") != "front:A:" {
		t.Errorf("after a panic: %q", r.Header.Get("X-Body"))
	}
}

// Issue 18: shutting net/http down closes the front's idle connections too, and
// the front's Wait returns once they are gone.
func TestFrontClosesWithTheServer_Issue18(t *testing.T) {
	addr, l, srv := serve(t, true, testReader{}, Options{})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET /registry/A HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(resp.Body)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx); err != nil {
		t.Fatalf("front still has connections: %v", err)
	}
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("idle front connection after shutdown: %v, want EOF", err)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("the listener still accepts after shutdown")
	}
}

// FuzzParse: whatever the bytes, parse does not panic, and what it accepts is a
// GET or HEAD of a plain path under the prefix with one Host and no body.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"GET /registry/A HTTP/1.1\r\nHost: x\r\n\r\n",
		"HEAD /registry/A?lang=fa HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nAccept: */*\r\nAccept: a\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\nHost:\r\n\r\n",
		"GET /registry/A HTTP/1.1\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	prefixes := [][]byte{[]byte("/registry/")}
	f.Fuzz(func(t *testing.T, head []byte) {
		q := &request{}
		q.r = &http.Request{Header: http.Header{}, URL: &q.url}
		if !q.parse(head, prefixes) {
			return
		}
		r := q.r
		if (r.Method != "GET" && r.Method != "HEAD") || !strings.HasPrefix(r.URL.Path, "/registry/") || r.Host == "" ||
			len(r.Header["Host"]) != 1 || len(r.Header["Transfer-Encoding"]) != 0 {
			t.Fatalf("accepted %q as %s %s host %q headers %v", head, r.Method, r.URL.Path, r.Host, r.Header)
		}
		for _, cl := range r.Header["Content-Length"] {
			if cl != "0" {
				t.Fatalf("accepted a body: %q", head)
			}
		}
	})
}
