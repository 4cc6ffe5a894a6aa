package pdf

import (
	"context"
	"errors"
	"sync"
	"time"
)

// bucket is a token bucket: rate tokens a second, at most burst saved up. Each
// render takes one.
type bucket struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu     sync.Mutex
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int, now func() time.Time) *bucket {
	return &bucket{rate: rate, burst: float64(burst), now: now, tokens: float64(burst), last: now()}
}

// take spends a token, or says how long until one is there.
func (b *bucket) take() (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.now()
	if el := t.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.burst, b.tokens+el*b.rate)
	}
	b.last = t
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second)), false
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
