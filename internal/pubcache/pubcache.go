// Package pubcache keeps public responses ready to send: the bytes, their gzip
// form and their strong ETags, made once and kept while the data they show is
// unchanged (issue 18: registry lookups near a static file server). What "unchanged"
// means is the Source's revision: every change to the data moves it, so an entry
// made at one revision is exact while the revision stays the same.
package pubcache

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Source is the data a cache's entries are made from.
type Source interface {
	// Revision identifies the state of the whole data set in the database; it
	// moves with every change, whichever instance made it.
	Revision(ctx context.Context) (int64, error)
	// LocalChanges counts the changes committed through this process; it moves
	// before the call that made a change returns, so this process never serves an
	// entry older than a change it made.
	LocalChanges() int64
}

// Entry is one response, ready to send.
type Entry struct {
	Body     []byte
	ETag     string // strong ETag of Body
	Gzip     []byte // Body gzip-compressed; nil when that would not be smaller
	GzipETag string // strong ETag of the gzip form (another representation, another tag)

	// The header values, made once: the map of a response takes them as they are.
	etag, gzipETag, length, gzipLength []string
}

// NewEntry prepares body: its ETag, and its gzip form when worth it.
func NewEntry(body []byte) *Entry {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:16])
	e := &Entry{Body: body, ETag: `"` + tag + `"`}
	if len(body) >= 256 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body) {
			e.Gzip, e.GzipETag = buf.Bytes(), `"`+tag+`-gz"`
		}
	}
	e.etag, e.length = []string{e.ETag}, []string{strconv.Itoa(len(e.Body))}
	if e.Gzip != nil {
		e.gzipETag, e.gzipLength = []string{e.GzipETag}, []string{strconv.Itoa(len(e.Gzip))}
	}
	return e
}

// Cache holds entries made at the Source's current revision. Reads take no lock.
// A change made through this process shows on the next read; one made by another
// instance sharing the database shows once the revision is read again, at most
// Recheck later.
type Cache struct {
	src   Source
	limit int64
	// Recheck is how long the revision read from the database is trusted.
	Recheck time.Duration
	// Now is the clock (tests move it).
	Now func() time.Time

	mu    sync.Mutex // serialises revision reads
	state atomic.Pointer[state]
}

// state is the revision the entries were made at; it is replaced, never changed.
type state struct {
	revision int64
	local    int64
	checked  time.Time
	entries  *sync.Map // key → *Entry
	size     *atomic.Int64
}

// New returns a cache over src holding at most limit entries.
func New(src Source, limit int) *Cache {
	return &Cache{src: src, limit: int64(limit), Recheck: 250 * time.Millisecond, Now: time.Now}
}

// current returns the state for the Source's revision, reading the revision again
// when this process changed the data or Recheck has passed.
func (c *Cache) current(ctx context.Context) (*state, error) {
	s := c.state.Load()
	if s != nil && s.local == c.src.LocalChanges() && c.Now().Sub(s.checked) < c.Recheck {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s = c.state.Load()
	local := c.src.LocalChanges() // read before the revision: a later change moves it again
	now := c.Now()
	if s != nil && s.local == local && now.Sub(s.checked) < c.Recheck {
		return s, nil
	}
	rev, err := c.src.Revision(ctx)
	if err != nil {
		return nil, err
	}
	next := &state{revision: rev, local: local, checked: now}
	if s != nil && s.revision == rev {
		next.entries, next.size = s.entries, s.size
	} else {
		next.entries, next.size = &sync.Map{}, &atomic.Int64{}
	}
	c.state.Store(next)
	return next, nil
}

// Get returns the entry for key, made by build on a miss. build reads the data
// after the revision was read, so an entry it makes is never older than that
// revision; it is kept only if no change was seen meanwhile.
func (c *Cache) Get(ctx context.Context, key string, build func(ctx context.Context) ([]byte, error)) (*Entry, error) {
	s, err := c.current(ctx)
	if err != nil {
		return nil, err
	}
	if e, ok := s.entries.Load(key); ok {
		return e.(*Entry), nil
	}
	body, err := build(ctx)
	if err != nil {
		return nil, err
	}
	e := NewEntry(body)
	if c.state.Load() == s && s.local == c.src.LocalChanges() {
		if s.size.Add(1) > c.limit {
			s.entries.Clear()
			s.size.Store(1)
		}
		s.entries.Store(key, e)
	}
	return e, nil
}

// Len is how many entries the cache holds now.
func (c *Cache) Len() int {
	if s := c.state.Load(); s != nil {
		return int(s.size.Load())
	}
	return 0
}
