package httpauth

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/itoir/miz/internal/identity"
)

// principalCacheSize bounds the resolved-caller cache; when it is full, expired
// entries are dropped and, if none were, the whole cache is.
const principalCacheSize = 4096

// principalCache remembers, for a short while, the session and principal resolved
// from a token, so that the several requests of one use case (create, upload,
// submit) do not each ask the database for the session, account, grants and
// memberships. The database stays the source of truth: an entry lives at most
// Auth.CacheTTL and never past its session's expiry. Logout and switching the
// acting organisation through this server forget the token at once; a role grant
// or membership change made elsewhere is seen within CacheTTL.
type principalCache struct {
	mu      sync.Mutex
	entries map[[sha256.Size]byte]cachedCaller
}

type cachedCaller struct {
	session   identity.Session
	principal identity.Principal
	until     time.Time
}

func cacheKey(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// get returns a copy of the cached session and principal of token, if still fresh.
func (pc *principalCache) get(token string, now time.Time) (identity.Session, *identity.Principal, bool) {
	pc.mu.Lock()
	e, ok := pc.entries[cacheKey(token)]
	pc.mu.Unlock()
	if !ok || !now.Before(e.until) {
		return identity.Session{}, nil, false
	}
	p := e.principal // a shallow copy: its maps and slices are only read
	return e.session, &p, true
}

// put remembers the resolved session and principal of token until until.
func (pc *principalCache) put(token string, s identity.Session, p *identity.Principal, now, until time.Time) {
	if s.ExpiresAt.Before(until) {
		until = s.ExpiresAt
	}
	if !now.Before(until) {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.entries == nil {
		pc.entries = make(map[[sha256.Size]byte]cachedCaller)
	}
	if len(pc.entries) >= principalCacheSize {
		for k, e := range pc.entries {
			if !now.Before(e.until) {
				delete(pc.entries, k)
			}
		}
		if len(pc.entries) >= principalCacheSize {
			clear(pc.entries)
		}
	}
	pc.entries[cacheKey(token)] = cachedCaller{session: s, principal: *p, until: until}
}

// forget drops token's entry.
func (pc *principalCache) forget(token string) {
	pc.mu.Lock()
	delete(pc.entries, cacheKey(token))
	pc.mu.Unlock()
}
