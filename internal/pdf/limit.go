package pdf

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"time"
)

// bucket is the state of a token bucket: tokens saved up at a time.
type bucket struct {
	tokens float64
	at     time.Time
}

// refill adds what rate earned since b.at, up to burst.
func (b *bucket) refill(now time.Time, rate, burst float64) {
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = min(burst, b.tokens+el*rate)
	}
	b.at = now
}

// wait is how long until b holds a whole token.
func (b *bucket) wait(rate float64) time.Duration {
	return time.Duration((1 - b.tokens) / rate * float64(time.Second))
}

// limiter spends one token per render from a global bucket and from the
// requesting address's own, so neither the server nor one client can be made to
// render more than its share.
type limiter struct {
	rate, burst             float64 // global
	clientRate, clientBurst float64 // per address
	now                     func() time.Time

	mu      sync.Mutex
	global  bucket
	clients map[string]*bucket // only addresses that rendered lately; absent is full
}

func newLimiter(o Options) *limiter {
	return &limiter{rate: o.Rate, burst: float64(o.Burst), clientRate: o.ClientRate, clientBurst: float64(o.ClientBurst),
		now: o.Now, global: bucket{tokens: float64(o.Burst), at: o.Now()}, clients: map[string]*bucket{}}
}

// take spends a token of both buckets, or spends none and says how long until
// both have one.
func (l *limiter) take(client string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.global.refill(now, l.rate, l.burst)
	c, ok := l.clients[client]
	if !ok {
		c = &bucket{tokens: l.clientBurst, at: now}
	}
	c.refill(now, l.clientRate, l.clientBurst)
	if c.tokens < 1 || l.global.tokens < 1 {
		var w time.Duration
		if c.tokens < 1 {
			w = c.wait(l.clientRate)
		}
		if l.global.tokens < 1 {
			w = max(w, l.global.wait(l.rate))
		}
		return w, false
	}
	c.tokens--
	l.global.tokens--
	l.clients[client] = c // entries grow only with renders, which the global bucket bounds
	if len(l.clients) > 1024 {
		l.forgetFull(now)
	}
	return 0, true
}

// forgetFull drops the addresses whose bucket has refilled: absent means full.
func (l *limiter) forgetFull(now time.Time) {
	for k, b := range l.clients {
		if b.refill(now, l.clientRate, l.clientBurst); b.tokens >= l.clientBurst {
			delete(l.clients, k)
		}
	}
}

// clientKey is the address a client is limited by: an IPv6 client by its /64,
// which one subscriber usually holds whole.
func clientKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	if ip = ip.Unmap(); ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// flights lets concurrent requests for one key share one render: the first runs
// it, the others wait for its result.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
	// joined, when set (by tests), hears of each request that waits on a flight.
	joined func(key string)
}

type flight struct {
	done chan struct{}
	b    []byte
	err  error
}

// do runs fn for key unless a run for key is under way, whose result it then
// returns; a waiter whose ctx ends stops waiting, the run goes on.
func (f *flights) do(ctx context.Context, key string, fn func() ([]byte, error)) ([]byte, error) {
	f.mu.Lock()
	if c, ok := f.m[key]; ok {
		f.mu.Unlock()
		if f.joined != nil {
			f.joined(key)
		}
		select {
		case <-c.done:
			return c.b, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.m == nil {
		f.m = map[string]*flight{}
	}
	c := &flight{done: make(chan struct{}), err: errors.New("pdf: render failed")} // kept if fn panics
	f.m[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.m, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.b, c.err = fn()
	return c.b, c.err
}
