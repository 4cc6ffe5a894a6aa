// Package feed reads threat feeds — Shadowserver-style CSV reports and
// IntelMQ-style JSON event lines — as a stream of events, classifies each on the
// RSIT (internal/cert/triage), and imports them: matched to the constituents that
// own the addresses, domains and ASNs (internal/cert/match) and stored as direct
// warnings (internal/cert/warning). SLA M-4.3. A file is never held in memory: rows
// are read one at a time and written in batches, and a bad row is counted and
// reported by line number without stopping the import.
package feed

import (
	"crypto/sha256"
	"encoding/binary"
	"net/netip"
	"strconv"
	"time"
)

// Event is one normalised row of a feed.
type Event struct {
	// Line is the row's line number in the file (1-based; the CSV header is line 1).
	Line int
	// Feed names the report the row came from (Shadowserver's report type,
	// IntelMQ's feed.name), or the import's name when the row does not say.
	Feed string
	// Time is when the source observed it; zero when the row does not say.
	Time time.Time
	IP   netip.Addr
	Port int
	ASN  uint32
	Host string
	// Tag is the source's own label for what it saw (Shadowserver's tag, IntelMQ's
	// classification.identifier or malware.name).
	Tag string
	// Class and Type are the RSIT class and type (internal/cert/triage spelling).
	Class, Type string
	// Severity is critical, high, medium or low.
	Severity string
}

// Fingerprint identifies a finding across imports of a feed: the same feed seeing
// the same thing at the same place again is the same finding, whatever the time.
// It is the first 63 bits of a SHA-256 of those fields: a number keeps the unique
// index small, and a collision within one organisation's findings of one feed is
// out of reach (about 2^31 findings for an even chance).
func (e *Event) Fingerprint() int64 {
	h := sha256.New()
	var n [8]byte
	write := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	write(e.Feed)
	if e.IP.IsValid() {
		write(e.IP.String())
	} else {
		write("")
	}
	write(strconv.Itoa(e.Port))
	write(e.Host)
	write(strconv.FormatUint(uint64(e.ASN), 10))
	write(e.Class)
	write(e.Type)
	write(e.Tag)
	var sum [sha256.Size]byte
	return int64(binary.BigEndian.Uint64(h.Sum(sum[:0])[:8]) >> 1)
}

// BadRow is a row the import skipped, with why: Reason in English for the command
// line and logs, Key (an i18n message key) and Value (what was wrong) for pages.
type BadRow struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Key    string `json:"key,omitempty"`
	Value  string `json:"value,omitempty"`
}
