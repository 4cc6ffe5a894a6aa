package persian

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateNationalCode(t *testing.T) {
	tests := []struct {
		in, want string
		reason   Reason
	}{
		// 0·10+4·9+9·8+9·7+3·6+7·5+0·4+8·3+9·2 = 266, 266 mod 11 = 2, check 11-2 = 9.
		{"0499370899", "0499370899", ""},
		{"۰۴۹۹۳۷۰۸۹۹", "0499370899", ""},
		{"٠٤٩٩٣٧٠٨٩٩", "0499370899", ""},
		{"049-937-0899", "0499370899", ""},
		{"499370899", "0499370899", ""}, // a spreadsheet dropped the leading zero
		// 1·10+2·9+3·8+4·7+5·6+6·5+7·4+8·3+9·2 = 210, 210 mod 11 = 1 < 2, check 1.
		{"1234567891", "1234567891", ""},
		{"1234567890", "", ReasonChecksum},
		// 0·10+0·9+1·8+3·7+5·6+7·5+9·4+1·3+1·2 = 135, 135 mod 11 = 3, check 8.
		{"0013579118", "0013579118", ""},
		{"13579118", "0013579118", ""},
		{"0013579117", "", ReasonChecksum},
		{"0499370898", "", ReasonChecksum},
		{"1111111111", "", ReasonRepeated},
		{"0000000000", "", ReasonRepeated},
		{"00000000", "", ReasonRepeated},
		{"", "", ReasonLength},
		{"1234567", "", ReasonLength},
		{"04993708991", "", ReasonLength},
		{"04993708a9", "", ReasonDigits},
		{"+499370899", "", ReasonDigits},
	}
	for _, tt := range tests {
		got, err := ValidateNationalCode(tt.in)
		check(t, "ValidateNationalCode", tt.in, got, err, tt.want, FieldNationalCode, tt.reason)
	}
}

func TestValidateLegalID(t *testing.T) {
	tests := []struct {
		in, want string
		reason   Reason
	}{
		// d = 1+2 = 3; (1+3)·29+(0+3)·27+(1+3)·23+(0+3)·19+(0+3)·17+(5+3)·29+(6+3)·27
		// +(1+3)·23+(0+3)·19+(1+3)·17 = 1089, 1089 mod 11 = 0.
		{"10100561010", "10100561010", ""},
		{"۱۰۱۰۰۵۶۱۰۱۰", "10100561010", ""},
		{"10100561011", "", ReasonChecksum},
		// d = 5+2 = 7; the weighted sum is 2126, 2126 mod 11 = 3.
		{"10101820453", "10101820453", ""},
		{"10101820454", "", ReasonChecksum},
		// d = 0+2 = 2; the weighted sum is 840, 840 mod 11 = 4.
		{"1410-0113-504", "14100113504", ""},
		{"22222222222", "", ReasonRepeated},
		{"1010056101", "", ReasonLength},
		{"", "", ReasonLength},
		{"1010056101x", "", ReasonDigits},
	}
	for _, tt := range tests {
		got, err := ValidateLegalID(tt.in)
		check(t, "ValidateLegalID", tt.in, got, err, tt.want, FieldLegalID, tt.reason)
	}
}

func TestValidateMobile(t *testing.T) {
	tests := []struct {
		in, want string
		reason   Reason
	}{
		{"09121234567", "09121234567", ""},
		{"۰۹۱۲۱۲۳۴۵۶۷", "09121234567", ""},
		{"0912 123 4567", "09121234567", ""},
		{"0912-123-4567", "09121234567", ""},
		{"+989121234567", "09121234567", ""},
		{"+98 912 123 4567", "09121234567", ""},
		{"+98 (0) 912 123 4567", "09121234567", ""},
		{"00989121234567", "09121234567", ""},
		{"989121234567", "09121234567", ""},
		{"9121234567", "09121234567", ""},
		{"09901234567", "09901234567", ""},
		{"9891234567", "09891234567", ""}, // 0989…, not +98 91234567
		{"02112345678", "", ReasonPrefix}, // a Tehran landline
		{"+449121234567", "", ReasonPrefix},
		{"0912123456", "", ReasonLength},
		{"091212345678", "", ReasonLength},
		{"", "", ReasonLength},
		{"0912abc4567", "", ReasonDigits},
		{"09+121234567", "", ReasonDigits},
	}
	for _, tt := range tests {
		got, err := ValidateMobile(tt.in)
		check(t, "ValidateMobile", tt.in, got, err, tt.want, FieldMobile, tt.reason)
	}
}

func check(t *testing.T, fn, in, got string, err error, want string, field Field, reason Reason) {
	t.Helper()
	if reason == "" {
		if err != nil || got != want {
			t.Errorf("%s(%q) = %q, %v; want %q", fn, in, got, err, want)
		}
		return
	}
	var ie *InvalidError
	if !errors.As(err, &ie) {
		t.Errorf("%s(%q) = %q, %v; want InvalidError %s", fn, in, got, err, reason)
		return
	}
	if ie.Field != field || ie.Reason != reason || got != "" {
		t.Errorf("%s(%q) = %q, %+v; want %s/%s", fn, in, got, ie, field, reason)
	}
}

func TestInvalidErrorMessages(t *testing.T) {
	fields := []Field{FieldNationalCode, FieldLegalID, FieldMobile}
	reasons := []Reason{ReasonLength, ReasonDigits, ReasonChecksum, ReasonRepeated, ReasonPrefix}
	for _, f := range fields {
		for _, r := range reasons {
			e := &InvalidError{Field: f, Reason: r}
			en, fa := e.MessageEn(), e.MessageFa()
			if !strings.HasSuffix(en, ".") || !strings.HasSuffix(fa, ".") {
				t.Errorf("%s/%s: messages are not sentences: %q, %q", f, r, en, fa)
			}
			if strings.ContainsAny(fa, "0123456789") {
				t.Errorf("%s/%s: Persian message has ASCII digits: %q", f, r, fa)
			}
		}
	}
	e := &InvalidError{Field: FieldNationalCode, Reason: ReasonLength}
	if got := e.MessageFa(); got != "کد ملی باید ۱۰ رقم باشد." {
		t.Errorf("MessageFa = %q", got)
	}
	if got := e.Error(); got != "persian: invalid national_code: length" {
		t.Errorf("Error = %q", got)
	}
}
