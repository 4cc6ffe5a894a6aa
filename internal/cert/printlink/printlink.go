// Package printlink makes the short-lived links through which the PDF printer
// (chromium, which holds no session) opens a private printable page of the CERT
// desk: a consent record or a delivered technical report. A link carries an
// expiry and an HMAC of the page's kind, id and expiry under a key made at start
// and kept in memory only; anyone else gets nothing from the page.
package printlink

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// TTL is how long a print link works.
const TTL = 2 * time.Minute

// Signer signs and checks print links. The zero value is ready to use.
type Signer struct {
	once sync.Once
	key  []byte
}

func (s *Signer) secret() []byte {
	s.once.Do(func() {
		s.key = make([]byte, 32)
		_, _ = rand.Read(s.key)
	})
	return s.key
}

func (s *Signer) mac(kind string, id, exp int64) string {
	m := hmac.New(sha256.New, s.secret())
	fmt.Fprintf(m, "%s:%d:%d", kind, id, exp)
	return hex.EncodeToString(m.Sum(nil))
}

// Query is the query string ("exp=…&t=…") of a link to page kind/id, valid until
// now+TTL.
func (s *Signer) Query(kind string, id int64, now time.Time) string {
	exp := now.Add(TTL).UnixMilli()
	return fmt.Sprintf("exp=%d&t=%s", exp, s.mac(kind, id, exp))
}

// Check reports whether exp and token are a link to kind/id still valid at now.
func (s *Signer) Check(kind string, id int64, exp, token string, now time.Time) bool {
	e, err := strconv.ParseInt(exp, 10, 64)
	return err == nil && now.UnixMilli() <= e && hmac.Equal([]byte(token), []byte(s.mac(kind, id, e)))
}
