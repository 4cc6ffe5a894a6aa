// Package front answers the public reads that need no middleware (the registry
// lookup by number, as JSON and as its page) on the connection itself, ahead of
// net/http, and hands every other connection to net/http untouched (issue 18).
//
// Why: net/http spends about 10 µs of CPU on the plainest response on this
// hardware, against nginx's 4.6 µs for the same bytes (docs/BENCHMARKS.md, "wire");
// most of it is per-request machinery (the request's header map and context, the
// response header's clone and sort) that a read answered from memory does not need.
// The front reads the request head itself, and only a strict subset of HTTP/1.1:
// GET or HEAD, an origin-form target of plain characters under a public prefix, no
// body, a single Host, well-formed header lines, all within one buffer. Anything
// else, and anything the reader declines, goes to net/http together with the bytes
// already read, so net/http's parsing and answers stay the only ones for everything
// unusual. Once handed over, a connection stays with net/http.
package front

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Reader answers a public read: it writes the whole response and reports true, or
// writes nothing and reports false (internal/server.PublicReader).
type Reader interface {
	Read(w http.ResponseWriter, r *http.Request) bool
	Prefixes() []string
}

// Options are the front's limits, net/http's counterparts of the same name.
type Options struct {
	ReadHeaderTimeout time.Duration // default 10 s
	IdleTimeout       time.Duration // default 2 min
	WriteTimeout      time.Duration // default 5 min
	Log               *slog.Logger
}

// Listener is what the HTTP server accepts from: the connections the front handed
// over. Serve it with http.Server.Serve; closing it stops the front too.
type Listener struct {
	inner    net.Listener
	reader   Reader
	prefixes [][]byte
	opt      Options

	handed    chan net.Conn
	acceptErr chan error
	done      chan struct{}
	closeOnce sync.Once
	startOnce sync.Once

	mu    sync.Mutex
	conns map[*conn]struct{}
	wg    sync.WaitGroup

	answered, handedOver atomic.Int64
}

// Listen puts the front on inner: the reads r answers are answered here, the rest
// is accepted from the returned Listener.
func Listen(inner net.Listener, r Reader, o Options) *Listener {
	if o.ReadHeaderTimeout <= 0 {
		o.ReadHeaderTimeout = 10 * time.Second
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 2 * time.Minute
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	l := &Listener{inner: inner, reader: r, opt: o, handed: make(chan net.Conn, 64), acceptErr: make(chan error, 1),
		done: make(chan struct{}), conns: map[*conn]struct{}{}}
	for _, p := range r.Prefixes() {
		l.prefixes = append(l.prefixes, []byte(p))
	}
	return l
}

// Stats counts the requests the front answered and the connections it handed to
// net/http.
func (l *Listener) Stats() (answered, handedOver int64) {
	return l.answered.Load(), l.handedOver.Load()
}

// Accept returns the next connection for net/http. The front's own accept loop
// starts with the first call.
func (l *Listener) Accept() (net.Conn, error) {
	l.startOnce.Do(func() { go l.acceptLoop() })
	select {
	case c := <-l.handed:
		return c, nil
	case err := <-l.acceptErr:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Addr is the inner listener's address.
func (l *Listener) Addr() net.Addr { return l.inner.Addr() }

// Close stops accepting, closes the front's idle connections and lets the busy
// ones finish the response they are writing. Connections already handed over
// belong to net/http (http.Server.Shutdown closes them).
func (l *Listener) Close() error {
	var err error
	l.closeOnce.Do(func() {
		close(l.done)
		err = l.inner.Close()
		l.mu.Lock()
		for c := range l.conns {
			if c.idle.Load() {
				_ = c.nc.Close()
			}
		}
		l.mu.Unlock()
	})
	return err
}

// Wait waits until the front's own connections have ended (after Close) or ctx
// ends.
func (l *Listener) Wait(ctx context.Context) error {
	ch := make(chan struct{})
	go func() { l.wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for c := range l.conns {
			_ = c.nc.Close()
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

func (l *Listener) closing() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// acceptLoop accepts from the inner listener, backing off on temporary errors as
// net/http does; any other error is handed to Accept.
func (l *Listener) acceptLoop() {
	var delay time.Duration
	for {
		nc, err := l.inner.Accept()
		if err != nil {
			if l.closing() {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				l.opt.Log.Warn("front: accept", "err", err, "retry_in", delay)
				time.Sleep(delay)
				continue
			}
			select {
			case l.acceptErr <- err:
			default:
			}
			return
		}
		delay = 0
		c := &conn{l: l, nc: nc}
		l.mu.Lock()
		if l.closing() {
			l.mu.Unlock()
			_ = nc.Close()
			return
		}
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go c.serve()
	}
}

// forget drops c from the connections the front waits for.
func (l *Listener) forget(c *conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	l.wg.Done()
}

// handOver gives nc to net/http with the bytes the front read ahead of it.
func (l *Listener) handOver(nc net.Conn, ahead []byte) {
	_ = nc.SetDeadline(time.Time{}) // net/http sets its own
	l.handedOver.Add(1)
	hc := net.Conn(nc)
	if len(ahead) > 0 {
		hc = &handedConn{Conn: nc, ahead: ahead}
	}
	select {
	case l.handed <- hc:
	case <-l.done:
		_ = nc.Close()
	}
}

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, bufSize) }}
var writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, bufSize) }}

// bufSize bounds a request head the front reads (a longer one goes to net/http)
// and is the response buffer: a certificate page and its headers fit in one write.
const bufSize = 8 << 10
