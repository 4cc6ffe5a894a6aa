// Package persian is the one place where Miz normalises Persian text, converts
// digits and checks the identifiers that people type (national code, national
// ID of a legal person, mobile number).
//
// Everything here is pure: no I/O, no package-level mutable state, safe for
// concurrent use.
package persian

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

const (
	zwnj = '\u200c' // zero-width non-joiner (نیم‌فاصله)
	zwj  = '\u200d' // zero-width joiner
)

// Normalize returns s in the canonical form Miz stores and compares: Arabic
// Yeh (ي, ى) and Kaf (ك) become their Persian forms (ی, ک), bidi control
// characters are removed, stray zero-width non-joiners are dropped, the text is
// put in Unicode NFC, runs of white space become one space and the result is
// trimmed.
//
// A zero-width non-joiner survives only when it sits between two letters (a
// letter may carry combining marks), so "می‌شود" keeps it while a ZWNJ that is
// doubled, at the edge of a word, or next to a space, digit or punctuation is
// removed. Normalize is idempotent.
func Normalize(s string) string {
	runes := make([]rune, 0, len(s))
	for _, r := range s {
		if isBidiControl(r) {
			continue
		}
		runes = append(runes, persianLetter(r))
	}
	return norm.NFC.String(squeeze(runes))
}

// squeeze drops stray ZWNJs and collapses white space in one pass.
func squeeze(runes []rune) string {
	var b strings.Builder
	b.Grow(len(runes) * 2)
	afterLetter := false // the last rune written is a letter or a mark on one
	pendingSpace := false
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			afterLetter = false
		case r == zwnj:
			// Skip the whole run of ZWNJs and look at what follows it.
			j := i
			for j+1 < len(runes) && runes[j+1] == zwnj {
				j++
			}
			if afterLetter && j+1 < len(runes) && unicode.IsLetter(runes[j+1]) {
				b.WriteRune(zwnj)
			}
			i = j
		default:
			if pendingSpace {
				b.WriteByte(' ')
				pendingSpace = false
			}
			b.WriteRune(r)
			if !unicode.Is(unicode.Mn, r) {
				afterLetter = unicode.IsLetter(r)
			}
		}
	}
	return b.String()
}

// persianLetter maps the Arabic code points that Persian keyboards on some
// systems still produce to the Persian ones.
func persianLetter(r rune) rune {
	switch r {
	case 'ي', 'ى': // U+064A Arabic Yeh, U+0649 Alef Maksura
		return 'ی' // U+06CC Farsi Yeh
	case 'ك': // U+0643 Arabic Kaf
		return 'ک' // U+06A9 Keheh
	}
	return r
}

// isBidiControl reports whether r is an invisible bidi control character,
// which people paste along with text copied from right-to-left pages.
func isBidiControl(r rune) bool {
	switch {
	case r == '\u200e', r == '\u200f', r == '\u061c':
		return true
	case r >= '\u202a' && r <= '\u202e':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// ASCIIDigits returns s with Persian (۰-۹) and Arabic-Indic (٠-٩) digits
// replaced by ASCII digits; every other rune is kept.
func ASCIIDigits(s string) string {
	if !strings.ContainsFunc(s, isNonASCIIDigit) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '۰' && r <= '۹':
			return '0' + (r - '۰')
		case r >= '٠' && r <= '٩':
			return '0' + (r - '٠')
		}
		return r
	}, s)
}

func isNonASCIIDigit(r rune) bool {
	return (r >= '۰' && r <= '۹') || (r >= '٠' && r <= '٩')
}

// PersianDigits returns s with ASCII digits replaced by Persian digits (۰-۹),
// for text shown in the Persian UI.
func PersianDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, s)
}

// NormalizeID returns an identifier typed by a person in a comparable form:
// Normalize, then ASCII digits, then every space, ZWNJ, underscore and hyphen
// or dash (-, ‐, ‑, ‒, –, —, ―, −, －) is removed. Letter case is kept.
func NormalizeID(s string) string {
	s = ASCIIDigits(Normalize(s))
	return strings.Map(func(r rune) rune {
		if isIDSeparator(r) {
			return -1
		}
		return r
	}, s)
}

func isIDSeparator(r rune) bool {
	switch {
	case r == ' ', r == '-', r == '_', r == zwnj:
		return true
	case r >= '\u2010' && r <= '\u2015', r == '\u2212', r == '\ufe63', r == '\uff0d':
		return true
	}
	return false
}

// onlyASCIIDigits reports whether s is non-empty and made of 0-9 only.
func onlyASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// PersianDigitsOutsideIDs writes s with Persian digits, except the digits of a Latin
// identifier: a run of ASCII letters, digits and '-', '_', '.', '/' that holds at least
// one Latin letter (a tracking code like 9398-W87H-CR, a certificate number, an
// obligation ID like C-4.1) keeps its ASCII digits, so that it reads, copies and
// searches as the same identifier everywhere.
func PersianDigitsOutsideIDs(s string) string {
	b := []byte(s)
	var out strings.Builder
	out.Grow(len(s) + 8)
	for i := 0; i < len(b); {
		if !isIDByte(b[i]) {
			j := i + 1
			for j < len(b) && !isIDByte(b[j]) {
				j++
			}
			out.WriteString(PersianDigits(string(b[i:j])))
			i = j
			continue
		}
		j, letter := i, false
		for j < len(b) && isIDByte(b[j]) {
			if c := b[j] | 0x20; c >= 'a' && c <= 'z' {
				letter = true
			}
			j++
		}
		if letter {
			out.Write(b[i:j])
		} else {
			out.WriteString(PersianDigits(string(b[i:j])))
		}
		i = j
	}
	return out.String()
}

func isIDByte(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || c == '-' || c == '_' || c == '.' || c == '/'
}
