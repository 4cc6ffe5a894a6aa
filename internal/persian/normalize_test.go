package persian

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"arabic yeh and kaf", "كيفي", "کیفی"},
		{"alef maksura", "مصطفى", "مصطفی"},
		{"bidi controls", "\u200fسلام\u200e \u202bدنیا\u202c\u2067!\u2069\u061c", "سلام دنیا!"},
		{"zwnj between letters kept", "می\u200cشود", "می\u200cشود"},
		{"doubled zwnj folded", "می\u200c\u200cشود", "می\u200cشود"},
		{"zwnj at word start", "\u200cشود", "شود"},
		{"zwnj at word end", "می\u200c شود", "می شود"},
		{"zwnj after space", "می \u200cشود", "می شود"},
		{"zwnj next to digit", "۱\u200cروز", "۱روز"},
		{"zwnj at end of text", "کتاب\u200c", "کتاب"},
		{"zwnj after harakat", "مِ\u200cشود", "مِ\u200cشود"},
		{"whitespace collapsed", "  کد\t\tملی \n ", "کد ملی"},
		{"nbsp is space", "کد\u00a0ملی", "کد ملی"},
		{"nfc", "e\u0301", "é"},
		{"latin untouched", "Hello, World", "Hello, World"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestDigits(t *testing.T) {
	if got := ASCIIDigits("۱۴۰۵/٠٩/02"); got != "1405/09/02" {
		t.Errorf("ASCIIDigits = %q", got)
	}
	if got := PersianDigits("1405/09/02 ab"); got != "۱۴۰۵/۰۹/۰۲ ab" {
		t.Errorf("PersianDigits = %q", got)
	}
	if got := ASCIIDigits(PersianDigits("0123456789")); got != "0123456789" {
		t.Errorf("round trip = %q", got)
	}
}

func TestNormalizeID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"۰۴۹۹-۳۷۰ ۸۹۹", "0499370899"},
		{" 049_937–0899 ", "0499370899"},
		{"\u200f۰۴۹۹۳۷۰۸۹۹\u200e", "0499370899"},
		{"AB-12", "AB12"},
	}
	for _, tt := range tests {
		if got := NormalizeID(tt.in); got != tt.want {
			t.Errorf("NormalizeID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSearchKeyFoldsSpellingVariants(t *testing.T) {
	groups := [][]string{
		{"می\u200cشود", "می شود", "میشود", "مي‌شود", "می  \u200c شود"},
		{"آزمون", "ازمون", "اَزمون"},
		{"مسئول", "مسيول"},
		{"خانۀ", "خانه"},
		{"كتاب‌ها", "کتابها", "کتـــاب ها"},
		{"Café", "cafe", "CAFE"},
		{"کد ۱۲۳", "کد123", "کد ١٢٣"},
		{"مُحَمَّد", "محمد"},
		{"کتاباً", "کتابا"},
	}
	for _, g := range groups {
		want := SearchKey(g[0])
		for _, s := range g[1:] {
			if got := SearchKey(s); got != want {
				t.Errorf("SearchKey(%q) = %q, want %q (as for %q)", s, got, want, g[0])
			}
		}
	}
	if SearchKey("کتاب") == SearchKey("کباب") {
		t.Error("different words share a key")
	}
}
