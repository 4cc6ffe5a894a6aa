package front_test

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/front"
	"github.com/itoir/miz/internal/server"
)

// Issue 18: the front writes the public reads' security headers as lines made once
// (server.FixedHeaders). Each still appears exactly once, and a read that sets one
// of them itself (here X-Frame-Options) replaces it, as in net/http's header map:
// the raw responses through the front and through net/http alone carry the same
// header lines, Date and the request ID aside. A declined read leaves none behind.
func TestFrontFixedHeadersAsNetHTTP_Issue18(t *testing.T) {
	h := server.Handler(server.Options{Log: slog.New(slog.DiscardHandler),
		Routes: func(mux *http.ServeMux) {
			mux.HandleFunc("/registry/", func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, "full chain")
			})
		},
		Public: []server.PublicRoute{{Prefix: "/registry/", Pattern: "GET /registry/{n}",
			Read: func(w http.ResponseWriter, r *http.Request, rest string) int {
				switch rest {
				case "declined":
					return 0
				case "framed":
					w.Header().Set("X-Frame-Options", "SAMEORIGIN")
				}
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusOK)
				_, _ = io.WriteString(w, "read "+rest)
				return http.StatusOK
			}}}})
	reads := server.PublicReads(h)
	if reads == nil {
		t.Fatal("no public reader")
	}
	for _, path := range []string{"/registry/plain", "/registry/framed", "/registry/declined"} {
		viaFront := rawHeaders(t, h, reads, true, path)
		viaNetHTTP := rawHeaders(t, h, reads, false, path)
		if strings.Join(viaFront, "\n") != strings.Join(viaNetHTTP, "\n") {
			t.Errorf("%s: through the front\n%s\nthrough net/http\n%s", path,
				strings.Join(viaFront, "\n"), strings.Join(viaNetHTTP, "\n"))
		}
		frames := 0
		for _, l := range viaFront {
			if strings.HasPrefix(l, "X-Frame-Options:") {
				frames++
			}
		}
		if frames != 1 {
			t.Errorf("%s: X-Frame-Options sent %d times: %q", path, frames, viaFront)
		}
		if path == "/registry/framed" && !contains(viaFront, "X-Frame-Options: SAMEORIGIN") {
			t.Errorf("%s: the read's X-Frame-Options did not replace the fixed one: %q", path, viaFront)
		}
	}
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// rawHeaders serves h (behind the front or not), GETs path on a fresh connection and
// returns the response's raw header lines, sorted, without Date and X-Request-Id.
func rawHeaders(t *testing.T, h http.Handler, reads server.PublicReader, withFront bool, path string) []string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	var served net.Listener = ln
	if withFront {
		served = front.Listen(ln, reads, front.Options{})
	}
	go func() { _ = srv.Serve(served) }()
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var lines []string
	for {
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			break
		}
		if strings.HasPrefix(l, "Date:") || strings.HasPrefix(l, "X-Request-Id:") {
			continue
		}
		lines = append(lines, l)
	}
	slices.Sort(lines)
	return lines
}
