package documents

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilenameBytes bounds a safe file name; common file systems allow 255.
const maxFilenameBytes = 150

// SafeFilename turns a name a client gave into one that is safe to show and
// to offer for download: it keeps only the last path element, drops control,
// format and bidirectional-override characters (keeping the zero-width
// non-joiner that Persian spelling needs), replaces characters that file
// systems or headers reserve, and bounds the length while keeping the
// extension. Persian letters and digits are kept. It never returns "".
func SafeFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(name, "") {
		switch {
		case r == '\u200c' || r == '\u200d':
			// Zero-width (non-)joiners are part of Persian spelling.
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) || r == utf8.RuneError:
			continue
		case strings.ContainsRune(`"*:<>?|;%`, r):
			r = '_'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	s := strings.Trim(b.String(), " .")
	s = truncateName(s, maxFilenameBytes)
	switch stem := strings.TrimSuffix(s, path.Ext(s)); strings.ToUpper(stem) {
	case "":
		return "document" + path.Ext(s)
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "LPT1", "LPT2", "LPT3":
		return "_" + s // names Windows reserves for devices
	}
	return s
}

// truncateName shortens s to at most max bytes on a rune boundary, keeping
// a short extension.
func truncateName(s string, max int) string {
	if len(s) <= max {
		return s
	}
	ext := path.Ext(s)
	if len(ext) > 16 {
		ext = ""
	}
	stem := strings.TrimSuffix(s, ext)
	cut := max - len(ext)
	for cut > 0 && !utf8.RuneStart(stem[cut]) {
		cut--
	}
	return strings.TrimRight(stem[:cut], " .") + ext
}

// ContentDisposition returns a Content-Disposition header value that offers
// the named file for download: an ASCII fallback for old clients and the
// full UTF-8 name in RFC 5987 encoding, both derived from SafeFilename.
func ContentDisposition(name string) string {
	safe := SafeFilename(name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiFallback(safe), encodeRFC5987(safe))
}

// asciiFallback replaces each run of characters outside printable ASCII,
// and the quote and backslash, with one underscore; a name left with no letters or
// digits becomes "document" with its extension.
func asciiFallback(s string) string {
	var b strings.Builder
	meaningful := false
	for _, r := range s {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			r = '_'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			meaningful = true
		}
		if r == '_' && strings.HasSuffix(b.String(), "_") {
			continue // one underscore stands for a run of Persian letters
		}
		b.WriteRune(r)
	}
	out := b.String()
	ext := path.Ext(out)
	if !meaningful || strings.Trim(strings.TrimSuffix(out, ext), "_ -.") == "" {
		return "document" + ext
	}
	return out
}

// encodeRFC5987 percent-encodes every byte that is not an attr-char.
func encodeRFC5987(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
