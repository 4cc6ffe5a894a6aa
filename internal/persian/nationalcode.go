package persian

import "strings"

// ValidateNationalCode checks the national code (کد ملی) of a natural person
// and returns it as 10 ASCII digits.
//
// The input goes through NormalizeID first, so Persian digits, spaces and
// hyphens are fine. A code of 8 or 9 digits is left-padded with zeros: codes
// that start with 0 lose those zeros in spreadsheets and on some old cards,
// and the check digit still catches most typing mistakes. Codes made of one
// repeated digit (e.g. 1111111111) pass the checksum but are not issued, so
// they are rejected.
func ValidateNationalCode(s string) (string, error) {
	code := NormalizeID(s)
	if code == "" {
		return "", invalid(FieldNationalCode, ReasonLength)
	}
	if !onlyASCIIDigits(code) {
		return "", invalid(FieldNationalCode, ReasonDigits)
	}
	if len(code) < 8 || len(code) > 10 {
		return "", invalid(FieldNationalCode, ReasonLength)
	}
	code = strings.Repeat("0", 10-len(code)) + code
	if allSame(code) {
		return "", invalid(FieldNationalCode, ReasonRepeated)
	}
	if nationalCodeCheckDigit(code) != int(code[9]-'0') {
		return "", invalid(FieldNationalCode, ReasonChecksum)
	}
	return code, nil
}

// nationalCodeCheckDigit computes the check digit from the first nine digits:
// the digits are weighted 10 down to 2, and the remainder r of the sum by 11
// gives the check digit r when r < 2, 11-r otherwise.
func nationalCodeCheckDigit(code string) int {
	sum := 0
	for i := range 9 {
		sum += int(code[i]-'0') * (10 - i)
	}
	r := sum % 11
	if r < 2 {
		return r
	}
	return 11 - r
}
