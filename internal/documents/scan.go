package documents

import (
	"bytes"
	"unicode/utf8"
)

// eicarMarker is the standard anti-virus test string. A file that holds it
// is treated as infected even when no virus scanner is configured, so that
// the rejection path can be exercised end to end.
const eicarMarker = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// finder is an io.Writer that remembers where a byte pattern first occurs in
// everything written to it, even when the pattern spans two writes.
type finder struct {
	pat  []byte
	tail []byte // the last len(pat)-1 bytes seen
	n    int64  // bytes seen so far
	at   int64  // offset of the first match, or -1
}

// newFinder returns a finder for pat.
func newFinder(pat string) *finder { return &finder{pat: []byte(pat), at: -1} }

// Write looks for the pattern in p; it never fails.
func (f *finder) Write(p []byte) (int, error) {
	if f.at < 0 {
		k := len(f.pat) - 1
		if len(f.tail) > 0 {
			joint := append(append([]byte(nil), f.tail...), p[:min(len(p), k)]...)
			if i := bytes.Index(joint, f.pat); i >= 0 {
				f.at = f.n - int64(len(f.tail)) + int64(i)
			}
		}
		if f.at < 0 {
			if i := bytes.Index(p, f.pat); i >= 0 {
				f.at = f.n + int64(i)
			}
		}
		if len(p) >= k {
			f.tail = append(f.tail[:0], p[len(p)-k:]...)
		} else {
			f.tail = append(f.tail, p...)
			if len(f.tail) > k {
				f.tail = f.tail[len(f.tail)-k:]
			}
		}
	}
	f.n += int64(len(p))
	return len(p), nil
}

// found reports whether the pattern occurred.
func (f *finder) found() bool { return f.at >= 0 }

// textCheck is an io.Writer that decides whether everything written to it is
// UTF-8 text: valid encoding and no control characters other than tab, line
// feed, carriage return and form feed.
type textCheck struct {
	carry []byte // an incomplete rune left from the previous write
	bad   bool
}

// Write validates p; it never fails.
func (t *textCheck) Write(p []byte) (int, error) {
	if t.bad {
		return len(p), nil
	}
	buf := p
	if len(t.carry) > 0 {
		buf = append(t.carry, p...)
		t.carry = nil
	}
	for i := 0; i < len(buf); {
		r, size := utf8.DecodeRune(buf[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(buf[i:]) {
				t.carry = append([]byte(nil), buf[i:]...)
				break
			}
			t.bad = true
			break
		}
		if isControl(r) {
			t.bad = true
			break
		}
		i += size
	}
	return len(p), nil
}

// ok reports whether the text seen was valid and complete.
func (t *textCheck) ok() bool { return !t.bad && len(t.carry) == 0 }

// isControl reports whether r is a control character not found in text.
func isControl(r rune) bool {
	switch r {
	case '\t', '\n', '\r', '\f':
		return false
	}
	return r < 0x20 || (r >= 0x7f && r < 0xa0)
}

// headWriter keeps the first bytes written to it.
type headWriter struct {
	buf []byte
	max int
}

// Write keeps what fits; it never fails.
func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.buf); room > 0 {
		h.buf = append(h.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
