package cases

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"

	"github.com/itoir/miz/internal/problem"
)

// trackingAlphabet has no 0/O, 1/I or L lookalikes, so a code read aloud or
// copied by hand survives; its 32 symbols are the elements of GF(32).
const trackingAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// Tracking code shape: nine random symbols (45 bits) and one check symbol,
// written in groups of 4, 4 and 2.
const (
	trackingRandom = 9
	trackingLen    = trackingRandom + 1
)

// gfMul multiplies in GF(32) modulo x^5+x^2+1.
func gfMul(a, b byte) byte {
	var p byte
	for b > 0 {
		if b&1 != 0 {
			p ^= a
		}
		b >>= 1
		a <<= 1
		if a&0x20 != 0 {
			a ^= 0x25
		}
	}
	return p & 0x1f
}

// dammStep is the quasigroup x∘y = 2x + y over GF(32). It is totally
// anti-symmetric because 2 ≠ 1, so the check symbol catches every single
// substitution and every swap of two adjacent symbols.
func dammStep(interim, digit byte) byte { return gfMul(2, interim) ^ digit }

// checkSymbol returns the value that brings the interim of vals to zero.
func checkSymbol(vals []byte) byte {
	var c byte
	for _, v := range vals {
		c = dammStep(c, v)
	}
	return gfMul(2, c) // 2c + d = 0 in characteristic 2 ⇒ d = 2c
}

// NewTrackingCode returns a fresh tracking code read from rnd (crypto/rand
// when nil), in its canonical form such as "ABCD-EFGH-JK".
func NewTrackingCode(rnd io.Reader) (string, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var buf [trackingRandom]byte
	if _, err := io.ReadFull(rnd, buf[:]); err != nil {
		return "", fmt.Errorf("cases: tracking code: %w", err)
	}
	vals := make([]byte, trackingLen)
	for i, b := range buf {
		vals[i] = b & 0x1f
	}
	vals[trackingRandom] = checkSymbol(vals[:trackingRandom])
	return formatTracking(vals), nil
}

func formatTracking(vals []byte) string {
	var b strings.Builder
	for i, v := range vals {
		if i == 4 || i == 8 {
			b.WriteByte('-')
		}
		b.WriteByte(trackingAlphabet[v])
	}
	return b.String()
}

// ParseTrackingCode normalises a tracking code as a person typed it
// (Persian or Arabic digits, lower case, spaces and dashes anywhere) and
// returns its canonical form. A code with a wrong check symbol, a symbol
// outside the alphabet or the wrong length is refused with a localisable
// *problem.Error, so a typo never reaches another person's case.
func ParseTrackingCode(s string) (string, error) {
	vals := make([]byte, 0, trackingLen)
	for _, r := range s {
		switch {
		case r >= '۰' && r <= '۹':
			r = '0' + (r - '۰')
		case r >= '٠' && r <= '٩':
			r = '0' + (r - '٠')
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case ' ', '-', '_', '\u200c', '\u200f', '\u200e', '\t', '‐', '–', '—':
			continue
		}
		i := strings.IndexRune(trackingAlphabet, r)
		if i < 0 {
			return "", problem.Field("code", "cases.code.char", string(r))
		}
		vals = append(vals, byte(i))
		if len(vals) > trackingLen {
			return "", problem.Field("code", "cases.code.length", trackingLen)
		}
	}
	if len(vals) != trackingLen {
		return "", problem.Field("code", "cases.code.length", trackingLen)
	}
	var c byte
	for _, v := range vals {
		c = dammStep(c, v)
	}
	if c != 0 {
		return "", problem.Field("code", "cases.code.check")
	}
	return formatTracking(vals), nil
}
