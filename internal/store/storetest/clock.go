package storetest

import (
	"sync"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Clock is the injected time of a test: the test moves it instead of sleeping.
// Its Now goes into store.DB.Now and the use cases' Now fields; it is safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// On makes the clock db's time (store.DB.Now) and returns the clock.
func (c *Clock) On(db *store.DB) *Clock { db.Now = c.Now; return c }
