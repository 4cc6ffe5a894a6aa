package cases

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/problem"
)

func sampleCode(t *testing.T, seed byte) string {
	t.Helper()
	code, err := NewTrackingCode(bytes.NewReader(bytes.Repeat([]byte{seed, seed * 7, seed + 3}, 3)))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestTrackingCodeRoundTrip(t *testing.T) {
	for seed := byte(0); seed < 64; seed++ {
		code := sampleCode(t, seed)
		if len(code) != 12 || code[4] != '-' || code[9] != '-' {
			t.Fatalf("code %q is not grouped ABCD-EFGH-JK", code)
		}
		got, err := ParseTrackingCode(code)
		if err != nil || got != code {
			t.Fatalf("ParseTrackingCode(%q) = %q, %v", code, got, err)
		}
	}
}

func TestTrackingCodeNormalises(t *testing.T) {
	code := "2345-6789-AB"
	// Find the right check symbol for a fixed body, then write it in odd ways.
	vals := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8}
	code = formatTracking(append(vals, checkSymbol(vals)))
	persian := strings.NewReplacer("2", "۲", "3", "۳", "4", "۴", "5", "۵", "6", "٦", "7", "۷", "8", "۸", "9", "۹").Replace(code)
	for _, in := range []string{code, strings.ToLower(code), strings.ReplaceAll(code, "-", ""), " " + strings.ReplaceAll(code, "-", " ") + " ", persian} {
		got, err := ParseTrackingCode(in)
		if err != nil || got != code {
			t.Errorf("ParseTrackingCode(%q) = %q, %v; want %q", in, got, err, code)
		}
	}
}

// TestTrackingCodeTypoCaught: every single substitution and every swap of two
// adjacent different symbols is refused with the check-symbol error.
func TestTrackingCodeTypoCaught(t *testing.T) {
	for seed := byte(0); seed < 16; seed++ {
		code := strings.ReplaceAll(sampleCode(t, seed), "-", "")
		for i := range code {
			for _, r := range trackingAlphabet {
				if byte(r) == code[i] {
					continue
				}
				typo := code[:i] + string(r) + code[i+1:]
				if _, err := ParseTrackingCode(typo); !isKey(err, "cases.code.check") {
					t.Fatalf("substitution %q of %q: err = %v", typo, code, err)
				}
			}
			if i+1 < len(code) && code[i] != code[i+1] {
				swap := code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]
				if _, err := ParseTrackingCode(swap); !isKey(err, "cases.code.check") {
					t.Fatalf("swap %q of %q: err = %v", swap, code, err)
				}
			}
		}
	}
}

func TestTrackingCodeBadInput(t *testing.T) {
	for in, key := range map[string]string{
		"":               "cases.code.length",
		"ABCD":           "cases.code.length",
		"ABCD-EFGH-JKLM": "cases.code.length",
		"ABCD-EFGH-J0":   "cases.code.char",
		"ABCD-EFGH-JO":   "cases.code.char",
		"ABCD-EFGH-J!":   "cases.code.char",
	} {
		if _, err := ParseTrackingCode(in); !isKey(err, key) {
			t.Errorf("ParseTrackingCode(%q) err = %v, want %s", in, err, key)
		}
	}
}

func FuzzParseTrackingCode(f *testing.F) {
	f.Add("ABCD-EFGH-JK")
	f.Add("۲۳۴۵ ۶۷۸۹ ab")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ParseTrackingCode(s)
		if err != nil {
			var pe *problem.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *problem.Error", err)
			}
			return
		}
		again, err := ParseTrackingCode(code)
		if err != nil || again != code {
			t.Fatalf("canonical %q does not parse to itself: %q, %v", code, again, err)
		}
	})
}

func isKey(err error, key string) bool {
	var pe *problem.Error
	return errors.As(err, &pe) && pe.Key == key
}
