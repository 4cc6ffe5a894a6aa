package front

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/itoir/miz/internal/server"
)

// writer collects one response (its header map, status and body) and writes it
// in HTTP/1.1 form once the reader is done, with a Content-Length always.
type writer struct {
	h      http.Header
	fixed  *server.FixedHeaders // written as they are, unless h has the same key
	status int
	head   bool // HEAD: the body is not sent
	body   []byte
}

// reset empties w for the next response and returns it.
func (w *writer) reset(head bool) *writer {
	clear(w.h)
	w.status, w.head, w.body, w.fixed = 0, head, w.body[:0], nil
	return w
}

func (w *writer) Header() http.Header { return w.h }

// SetFixedHeaders takes the public reads' fixed headers as a set (server.FixedHeaderWriter).
func (w *writer) SetFixedHeaders(f *server.FixedHeaders) { w.fixed = f }

func (w *writer) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *writer) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.head {
		w.body = append(w.body, p...)
	}
	return len(p), nil
}

// writeTo writes the response to bw; closing adds Connection: close.
func (w *writer) writeTo(bw *bufio.Writer, closing bool) {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	switch status {
	case http.StatusOK:
		_, _ = bw.WriteString("HTTP/1.1 200 OK\r\n")
	case http.StatusNotModified:
		_, _ = bw.WriteString("HTTP/1.1 304 Not Modified\r\n")
	default:
		_, _ = bw.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	}
	_, _ = bw.WriteString("Date: ")
	_, _ = bw.WriteString(date(time.Now()))
	_, _ = bw.WriteString("\r\n")
	withBody := status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
	h := w.h
	delete(h, "Date")
	delete(h, "Connection")
	delete(h, "Transfer-Encoding")
	if !withBody {
		delete(h, "Content-Length")
	} else if !w.head {
		// The length sent is the length written, whatever the reader said.
		if cl := h["Content-Length"]; len(cl) != 1 || cl[0] != strconv.Itoa(len(w.body)) {
			h["Content-Length"] = []string{strconv.Itoa(len(w.body))}
		}
	}
	var replaced uint64 // fixed headers the reader set again in h
	f := w.fixed
	for k, vs := range h {
		if f != nil {
			if i := f.Index(k); i >= 0 {
				replaced |= 1 << i
			}
		}
		if !token(k) {
			continue
		}
		for _, v := range vs {
			_, _ = bw.WriteString(k)
			_, _ = bw.WriteString(": ")
			if strings.IndexByte(v, '\n') >= 0 || strings.IndexByte(v, '\r') >= 0 {
				v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v) // as net/http does
			}
			_, _ = bw.WriteString(v)
			_, _ = bw.WriteString("\r\n")
		}
	}
	if f != nil {
		for i := range f.Len() {
			if replaced&(1<<i) == 0 {
				_, _ = bw.Write(f.Line(i))
			}
		}
	}
	if closing {
		_, _ = bw.WriteString("Connection: close\r\n")
	}
	_, _ = bw.WriteString("\r\n")
	if withBody && !w.head {
		_, _ = bw.Write(w.body)
	}
}

// date is the Date header's value for now, made once a second.
func date(now time.Time) string {
	sec := now.Unix()
	if d := dates.Load(); d != nil && d.sec == sec {
		return d.text
	}
	d := &dateText{sec: sec, text: now.UTC().Format(http.TimeFormat)}
	dates.Store(d)
	return d.text
}

type dateText struct {
	sec  int64
	text string
}

var dates atomic.Pointer[dateText]
