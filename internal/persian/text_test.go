package persian

import (
	"errors"
	"testing"
)

// TestCheckTextRefusesControlsAndInvalidUTF8: NUL, other C0/C1 controls and
// invalid UTF-8 are refused; tab and newlines only in multi-line text; Persian
// text with its joiners and bidi marks passes (Security #11 item 11).
func TestCheckTextRefusesControlsAndInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		s         string
		multiLine bool
		want      error
	}{
		{"سلام دنیا", false, nil},
		{"می\u200cشود", false, nil},
		{"\u200fسلام", false, nil},
		{"خط یک\r\nخط دو\tپایان", true, nil},
		{"a\nb", false, ErrControl},
		{"a\x00b", true, ErrControl},
		{"a\x1bb", true, ErrControl},
		{"a\x7fb", true, ErrControl},
		{"a\u0085b", true, ErrControl},
		{"a\xffb", true, ErrInvalidUTF8},
		{"a\ufffdb", true, ErrInvalidUTF8},
	} {
		if err := CheckText(tc.s, tc.multiLine); !errors.Is(err, tc.want) {
			t.Errorf("CheckText(%q, %v) = %v, want %v", tc.s, tc.multiLine, err, tc.want)
		}
	}
}

func TestStripBidiRemovesOverrides(t *testing.T) {
	in := "\u202einvoice\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c.pdf"
	if got := StripBidi(in); got != "invoice.pdf" {
		t.Fatalf("StripBidi = %q", got)
	}
	if got := StripBidi("نامه\u200cها.pdf"); got != "نامه\u200cها.pdf" {
		t.Fatalf("the joiner went: %q", got)
	}
}
