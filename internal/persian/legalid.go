package persian

// ValidateLegalID checks the 11-digit national ID (شناسه ملی) of a legal
// person and returns it as ASCII digits. The input goes through NormalizeID
// first. IDs made of one repeated digit are rejected.
func ValidateLegalID(s string) (string, error) {
	id := NormalizeID(s)
	if id == "" {
		return "", invalid(FieldLegalID, ReasonLength)
	}
	if !onlyASCIIDigits(id) {
		return "", invalid(FieldLegalID, ReasonDigits)
	}
	if len(id) != 11 {
		return "", invalid(FieldLegalID, ReasonLength)
	}
	if allSame(id) {
		return "", invalid(FieldLegalID, ReasonRepeated)
	}
	if legalIDCheckDigit(id) != int(id[10]-'0') {
		return "", invalid(FieldLegalID, ReasonChecksum)
	}
	return id, nil
}

// legalIDCheckDigit computes the check digit of a legal person's national ID:
// each of the first ten digits plus (tenth digit + 2) is weighted by
// 29, 27, 23, 19, 17 (twice over); the sum modulo 11 is the check digit, with
// 10 written as 0.
func legalIDCheckDigit(id string) int {
	weights := [10]int{29, 27, 23, 19, 17, 29, 27, 23, 19, 17}
	d := int(id[9]-'0') + 2
	sum := 0
	for i, w := range weights {
		sum += (int(id[i]-'0') + d) * w
	}
	r := sum % 11
	if r == 10 {
		return 0
	}
	return r
}
