package persian

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// The reasons CheckText refuses a text.
var (
	// ErrInvalidUTF8 is text that is not valid UTF-8 (or that a decoder already
	// turned into U+FFFD replacement characters).
	ErrInvalidUTF8 = errors.New("persian: text is not valid UTF-8")
	// ErrControl is text with NUL or another control character.
	ErrControl = errors.New("persian: text contains a control character")
)

// CheckText is the one check Miz applies to every text a person sends, through a
// web form or the API (Security #11 item 11): it must be valid UTF-8 without the
// replacement character U+FFFD, and hold no C0 or C1 control character (NUL
// included) except tab, line feed and carriage return, which multi-line text may
// use. Bidi formatting characters are legal here (Persian text mixes directions);
// Normalize removes them from what is stored, and StripBidi from file names.
func CheckText(s string, multiLine bool) error {
	if !utf8.ValidString(s) {
		return ErrInvalidUTF8
	}
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return ErrInvalidUTF8
		case r == '\t' || r == '\n' || r == '\r':
			if !multiLine {
				return ErrControl
			}
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return ErrControl
		}
	}
	return nil
}

// StripBidi removes the bidirectional formatting characters (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C) from s. A file name shown on a page must
// not carry them: "invoice\u202Efdp.exe" reads as "invoiceexe.pdf".
func StripBidi(s string) string {
	if strings.IndexFunc(s, isBidiControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}
