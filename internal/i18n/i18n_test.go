package i18n

import (
	"net/http/httptest"
	"slices"
	"testing"
)

func TestEveryKeyHasBothLanguages(t *testing.T) {
	fa, en := Keys()
	for _, k := range fa {
		if !slices.Contains(en, k) {
			t.Errorf("key %q has no English text", k)
		}
	}
	for _, k := range en {
		if !slices.Contains(fa, k) {
			t.Errorf("key %q has no Persian text", k)
		}
	}
}

func TestPersianIsDefaultAndDigitsArePersian(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if FromRequest(r) != Fa {
		t.Fatal("default language is not Persian")
	}
	r.Header.Set("Accept-Language", "en-US,en;q=0.9")
	if FromRequest(r) != Fa {
		t.Fatal("a browser's default language switched the page away from Persian")
	}
	if FromAPIRequest(r) != En {
		t.Fatal("explicit English preference ignored")
	}
	if got := T(Fa, "error.too_large", "10 MB"); got != "حجم درخواست بیش از حد مجاز (۱۰ MB) است." {
		t.Fatalf("got %q", got)
	}
}
