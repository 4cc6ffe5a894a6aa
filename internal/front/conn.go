package front

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"sync/atomic"
	"time"
)

// conn is one connection while the front serves it.
type conn struct {
	l    *Listener
	nc   net.Conn
	idle atomic.Bool // waiting for a request: Close may cut it

	readDeadline time.Time
}

// readBy moves the read deadline to t, unless it is already within a second of
// it: a deadline set a moment ago for the previous request serves this one too
// (setting one is a system timer's update, a good part of a cached answer's cost).
func (c *conn) readBy(t time.Time) {
	if d := t.Sub(c.readDeadline); d > -time.Second && d < time.Second {
		return
	}
	c.readDeadline = t
	_ = c.nc.SetReadDeadline(t)
}

// serve answers requests until one is not the front's to answer (the connection
// is then handed over), the client closes, a limit passes or the listener closes.
func (c *conn) serve() {
	l := c.l
	br := readers.Get().(*bufio.Reader)
	bw := writers.Get().(*bufio.Writer)
	br.Reset(c.nc)
	bw.Reset(c.nc)
	handed := false
	defer func() {
		if p := recover(); p != nil {
			l.opt.Log.Error("front: panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
		br.Reset(nil)
		bw.Reset(nil)
		readers.Put(br)
		writers.Put(bw)
		if !handed {
			_ = c.nc.Close()
		}
		l.forget(c)
	}()
	req := &request{}
	req.init(c.nc)
	w := &writer{h: http.Header{}}
	var writeDeadline time.Time
	first := true
	for {
		if l.closing() {
			return
		}
		n, ok := c.readHead(br, first)
		if !ok {
			return
		}
		first = false
		head, _ := br.Peek(n)
		if !req.parse(head, l.prefixes) || !l.reader.Read(w.reset(req.r.Method == http.MethodHead), req.r) {
			// Answers still buffered for pipelined requests go first.
			if bw.Buffered() > 0 && bw.Flush() != nil {
				return
			}
			handed = true
			l.handOver(c.nc, drain(br))
			return
		}
		_, _ = br.Discard(n)
		l.answered.Add(1)
		w.writeTo(bw, req.close)
		if br.Buffered() == 0 || req.close {
			if now := time.Now(); writeDeadline.Sub(now) < l.opt.WriteTimeout-time.Second {
				writeDeadline = now.Add(l.opt.WriteTimeout)
				_ = c.nc.SetWriteDeadline(writeDeadline)
			}
			if bw.Flush() != nil {
				return
			}
		}
		if req.close {
			return
		}
	}
}

// readHead waits until br holds a whole request head and returns its length
// (through the blank line). It reports false when the connection should end: the
// client closed or was too slow, or the listener closed while it waited. A head
// that does not fit the buffer returns its partial length: parse then refuses it.
func (c *conn) readHead(br *bufio.Reader, first bool) (int, bool) {
	if br.Buffered() == 0 {
		wait := c.l.opt.IdleTimeout
		if first {
			wait = c.l.opt.ReadHeaderTimeout
		}
		c.readBy(time.Now().Add(wait))
		c.idle.Store(true)
		if c.l.closing() {
			return 0, false
		}
		_, err := br.Peek(1)
		c.idle.Store(false)
		if err != nil {
			return 0, false
		}
	}
	for headWait := false; ; {
		buf, _ := br.Peek(br.Buffered())
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			return i + 4, true
		}
		if len(buf) == br.Size() {
			return len(buf), true // too long for the front: parse hands it over
		}
		if !headWait { // the rest of the head is late: it has ReadHeaderTimeout to come
			headWait = true
			c.readBy(time.Now().Add(c.l.opt.ReadHeaderTimeout))
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			if len(buf) > 0 && err != io.EOF {
				return 0, false
			}
			return len(buf), len(buf) > 0 // a truncated head: net/http answers it
		}
	}
}

// drain returns a copy of what br holds, for the connection's next owner.
func drain(br *bufio.Reader) []byte {
	n := br.Buffered()
	if n == 0 {
		return nil
	}
	b := make([]byte, n)
	_, _ = io.ReadFull(br, b)
	return b
}

// handedConn is a connection handed to net/http: its reads return the bytes the
// front read ahead first.
type handedConn struct {
	net.Conn
	ahead []byte
}

func (h *handedConn) Read(p []byte) (int, error) {
	if len(h.ahead) > 0 {
		n := copy(p, h.ahead)
		h.ahead = h.ahead[n:]
		return n, nil
	}
	return h.Conn.Read(p)
}

// CloseWrite lets net/http half-close the connection as it does a TCP one.
func (h *handedConn) CloseWrite() error {
	if cw, ok := h.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return h.Conn.Close()
}

// request is a connection's request, reused from one request to the next.
type request struct {
	r          *http.Request
	url        url.URL
	close      bool
	path, host string // the previous values, kept when a request repeats them
	rawQuery   string
}

func (q *request) init(nc net.Conn) {
	q.r = &http.Request{Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}, Body: http.NoBody,
		RemoteAddr: nc.RemoteAddr().String(), URL: &q.url}
}
