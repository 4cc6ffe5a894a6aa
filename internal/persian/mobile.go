package persian

import "strings"

// ValidateMobile checks an Iranian mobile number and returns it in the
// canonical form 09xxxxxxxxx (11 ASCII digits).
//
// Accepted forms, after NormalizeID and with parentheses and dots removed:
// 09xxxxxxxxx, 9xxxxxxxxx, +989xxxxxxxxx, 00989xxxxxxxxx, 989xxxxxxxxx, and
// the country-code forms with the trunk 0 kept (+98 0912…). Any digit may
// follow the leading 9: operators' ranges change, so they are not checked.
func ValidateMobile(s string) (string, error) {
	n := strings.Map(func(r rune) rune {
		if r == '(' || r == ')' || r == '.' {
			return -1
		}
		return r
	}, NormalizeID(s))
	if n == "" {
		return "", invalid(FieldMobile, ReasonLength)
	}
	plus := strings.HasPrefix(n, "+")
	n = strings.TrimPrefix(n, "+")
	if !onlyASCIIDigits(n) {
		return "", invalid(FieldMobile, ReasonDigits)
	}
	switch {
	case plus:
		if !strings.HasPrefix(n, "98") {
			return "", invalid(FieldMobile, ReasonPrefix)
		}
		n = n[2:]
	case strings.HasPrefix(n, "0098"):
		n = n[4:]
	case strings.HasPrefix(n, "98") && (len(n) == 12 || len(n) == 13):
		n = n[2:]
	}
	n = strings.TrimPrefix(n, "0") // the trunk prefix, at most once
	if n == "" {
		return "", invalid(FieldMobile, ReasonLength)
	}
	if n[0] != '9' {
		return "", invalid(FieldMobile, ReasonPrefix)
	}
	if len(n) != 10 {
		return "", invalid(FieldMobile, ReasonLength)
	}
	return "0" + n, nil
}
