package persian

import "testing"

// TestPersianDigitsOutsideIDsKeepsIdentifiersWhole: a Persian sentence gets Persian
// digits, but a tracking code, certificate number or obligation ID inside it keeps
// its ASCII digits, so a person can copy it and search for it.
func TestPersianDigitsOutsideIDsKeepsIdentifiersWhole(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"مهلت 30 دقیقه درخواست 9398-W87H-CR گذشت", "مهلت ۳۰ دقیقه درخواست 9398-W87H-CR گذشت"},
		{"گواهی ITO-1405-000123 در 1405/09/15", "گواهی ITO-1405-000123 در ۱۴۰۵/۰۹/۱۵"},
		{"تعهد C-4.1 و 64 KB", "تعهد C-4.1 و ۶۴ KB"},
		{"75٪", "۷۵٪"},
		{"«9398-W87H-CR»", "«9398-W87H-CR»"},
		{"", ""},
	} {
		if got := PersianDigitsOutsideIDs(c.in); got != c.want {
			t.Errorf("PersianDigitsOutsideIDs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
