package persian

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seed corpora live in testdata/fuzz/<FuzzName>.

func FuzzNormalize(f *testing.F) {
	f.Add("می\u200c\u200cشود \u200f")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, n, again)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q has stray spaces", s, n)
		}
		if strings.ContainsAny(n, "يىك\u200e\u200f\u061c") {
			t.Fatalf("Normalize(%q) = %q kept Arabic letters or bidi marks", s, n)
		}
		k := SearchKey(s)
		if again := SearchKey(k); again != k {
			t.Fatalf("SearchKey not idempotent: %q -> %q -> %q", s, k, again)
		}
		a := ASCIIDigits(strings.ToValidUTF8(s, "\uFFFD"))
		if d := ASCIIDigits(PersianDigits(a)); d != a {
			t.Fatalf("digit round trip of %q gave %q", a, d)
		}
	})
}

func FuzzValidateNationalCode(f *testing.F) {
	f.Add("0499370899")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzValidator(t, ValidateNationalCode, s, 10)
	})
}

func FuzzValidateLegalID(f *testing.F) {
	f.Add("10100561010")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzValidator(t, ValidateLegalID, s, 11)
	})
}

func FuzzValidateMobile(f *testing.F) {
	f.Add("+98 912 123 4567")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzValidator(t, ValidateMobile, s, 11)
	})
}

// fuzzValidator checks the properties every validator has: a valid result is
// ASCII digits of the given length and validates again to itself; an error is
// always an *InvalidError with a message.
func fuzzValidator(t *testing.T, validate func(string) (string, error), s string, length int) {
	got, err := validate(s)
	if err != nil {
		var ie *InvalidError
		if !errors.As(err, &ie) || ie.MessageEn() == "" || ie.MessageFa() == "" {
			t.Fatalf("validate(%q): unexpected error %v", s, err)
		}
		if got != "" {
			t.Fatalf("validate(%q) returned %q with an error", s, got)
		}
		return
	}
	if len(got) != length || !onlyASCIIDigits(got) {
		t.Fatalf("validate(%q) = %q, not %d ASCII digits", s, got, length)
	}
	again, err := validate(got)
	if err != nil || again != got {
		t.Fatalf("validate(%q) = %q, but validate(%q) = %q, %v", s, got, got, again, err)
	}
	if again, err := validate(PersianDigits(got)); err != nil || again != got {
		t.Fatalf("validate of Persian digits %q = %q, %v", PersianDigits(got), again, err)
	}
}
