package tlog

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
)

// Proofs (issue 18: an inclusion proof at 1,000,000 leaves in ≤50 µs) read their
// stored hashes through a cache. A stored hash is immutable once its transaction has
// committed: the log only appends, and a row that changes afterwards is tampering,
// which Audit and Checkpoint find because they never read through the cache. The
// cache is filled only from read-only transactions, which see committed rows only, so
// a rolled-back append never leaves a hash in it.
//
// Upper levels are shared by every proof and few; the lowest levels are one hash per
// leaf or two and are read again from the database for each proof (in one statement).
// The cache keeps whole levels from minLevel up and gives up its lowest level when it
// holds more than maxCachedHashes, so its size stays bounded as the log grows.

// maxCachedHashes bounds the cache: 131,072 hashes are 4 MiB, enough for the levels
// from 4 up of a million-leaf log, so that a proof reads at most four hashes, all in
// one 16-leaf block (one or two database pages), from the database.
const maxCachedHashes = 1 << 17

// firstCachedLevel is the lowest level ever cached: below it, nodes are hardly shared.
const firstCachedLevel = 3

// hashCache holds committed stored hashes, a dense slice per level indexed by the
// node's index within the level; a zero hash is a node not cached (SHA-256 never
// yields it).
type hashCache struct {
	mu       sync.RWMutex
	minLevel int
	count    int // sum of the levels' lengths
	levels   [64][]tlog.Hash

	// size is the largest tree size seen in a read-only transaction: the log never
	// shrinks, so a proof for a size up to it needs no query to check the size.
	size atomic.Int64
}

func newHashCache() *hashCache { return &hashCache{minLevel: firstCachedLevel} }

// get returns the cached hash of node n at level; the caller holds mu.
func (c *hashCache) get(level int, n int64) (tlog.Hash, bool) {
	if level < c.minLevel || n >= int64(len(c.levels[level])) {
		return tlog.Hash{}, false
	}
	h := c.levels[level][n]
	return h, h != tlog.Hash{}
}

// put stores committed hashes; callers hold no lock.
func (c *hashCache) put(indexes []int64, hashes []tlog.Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, idx := range indexes {
		level, n := tlog.SplitStoredHashIndex(idx)
		if level < c.minLevel || n >= maxCachedHashes {
			continue
		}
		l := c.levels[level]
		if n >= int64(len(l)) {
			grown := max(n+1, int64(2*len(l)), 64)
			l = append(l, make([]tlog.Hash, grown-int64(len(l)))...)
			c.count += len(l) - len(c.levels[level])
			c.levels[level] = l
		}
		l[n] = hashes[i]
	}
	for c.count > maxCachedHashes && c.minLevel < len(c.levels)-1 {
		c.count -= len(c.levels[c.minLevel])
		c.levels[c.minLevel] = nil
		c.minLevel++
	}
}

// sawSize records that a committed tree of size records exists.
func (c *hashCache) sawSize(size int64) {
	for {
		old := c.size.Load()
		if size <= old || c.size.CompareAndSwap(old, size) {
			return
		}
	}
}

// checkSize is the package's checkSize, answered from the largest size seen when it
// can be; only a size beyond it costs a query.
func (c *hashCache) checkSize(ctx context.Context, tx *store.Tx, size int64) error {
	if size >= 0 && size <= c.size.Load() {
		return nil
	}
	n, err := treeSize(ctx, tx)
	if err != nil {
		return err
	}
	c.sawSize(n)
	if size < 0 || size > n {
		return checkSize(ctx, tx, size) // the same error as without the cache
	}
	return nil
}

// reader returns a hash reader for a read-only transaction tx: hashes come from the
// cache, the others from tlog_hashes in one statement, and are then cached.
func (c *hashCache) reader(ctx context.Context, tx *store.Tx) tlog.HashReaderFunc {
	return func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var missing []int64
		var at []int
		c.mu.RLock()
		for i, idx := range indexes {
			level, n := tlog.SplitStoredHashIndex(idx)
			if h, ok := c.get(level, n); ok {
				out[i] = h
				continue
			}
			missing = append(missing, idx)
			at = append(at, i)
		}
		c.mu.RUnlock()
		if len(missing) == 0 {
			return out, nil
		}
		got, err := readHashRow(ctx, tx, missing)
		if err != nil {
			return nil, err
		}
		for j, i := range at {
			out[i] = got[j]
		}
		c.put(missing, got)
		return out, nil
	}
}

// maxRowHashes is the most hashes read as the columns of one row; more go through
// the chunked IN query of hashReader.
const maxRowHashes = 64

// rowQuery returns the statement reading k hashes as one row's columns.
func rowQuery(k int) string {
	return "SELECT " + strings.TrimSuffix(strings.Repeat("(SELECT hash FROM tlog_hashes WHERE idx = ?), ", k), ", ")
}

// readHashRow reads the stored hashes at indexes as the columns of a single row: the
// statement's text depends only on len(indexes), so the store prepares it once per
// connection, and a proof's lower levels cost one primary-key lookup each.
func readHashRow(ctx context.Context, tx *store.Tx, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) > maxRowHashes {
		return hashReader(ctx, tx).ReadHashes(indexes)
	}
	args := make([]any, len(indexes))
	raws := make([][]byte, len(indexes))
	dest := make([]any, len(indexes))
	for i, idx := range indexes {
		args[i] = idx
		dest[i] = &raws[i]
	}
	if err := tx.QueryRow(ctx, rowQuery(len(indexes)), args...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("read hashes: %w", err)
	}
	out := make([]tlog.Hash, len(indexes))
	for i, raw := range raws {
		if raw == nil {
			return nil, fmt.Errorf("stored hash %d: %w", indexes[i], store.ErrNotFound)
		}
		if len(raw) != tlog.HashSize {
			return nil, fmt.Errorf("stored hash %d has %d bytes: %w", indexes[i], len(raw), ErrMalformed)
		}
		out[i] = tlog.Hash(raw)
	}
	return out, nil
}
