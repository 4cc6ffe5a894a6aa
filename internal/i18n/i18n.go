// Package i18n holds Miz's interface text in Persian (first) and English, and picks
// the language of a request.
package i18n

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/itoir/miz/internal/persian"
)

// Lang is a supported language.
type Lang string

// Supported languages; Persian is the default.
const (
	Fa Lang = "fa"
	En Lang = "en"
)

// Parse returns the language named by s, or Fa.
func Parse(s string) Lang {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "en") {
		return En
	}
	return Fa
}

// FromRequest picks the language: ?lang=, then the `lang` cookie, then Accept-Language
// (only an explicit English preference switches away from Persian).
func FromRequest(r *http.Request) Lang {
	if q := r.URL.Query().Get("lang"); q != "" {
		return Parse(q)
	}
	if c, err := r.Cookie("lang"); err == nil {
		return Parse(c.Value)
	}
	al := r.Header.Get("Accept-Language")
	if al != "" && strings.HasPrefix(strings.ToLower(al), "en") {
		return En
	}
	return Fa
}

// Dir is the text direction of the language.
func (l Lang) Dir() string {
	if l == En {
		return "ltr"
	}
	return "rtl"
}

// T translates key, formatting args. Unknown keys come back as the key itself so a
// missing translation is visible (a test checks that none is missing).
func T(l Lang, key string, args ...any) string {
	m := messagesFa
	if l == En {
		m = messagesEn
	}
	s, ok := m[key]
	if !ok {
		s = key
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	if l == Fa {
		s = persian.PersianDigits(s)
	}
	return s
}

// Keys lists every message key known in either language (for tests).
func Keys() (fa, en []string) {
	for k := range messagesFa {
		fa = append(fa, k)
	}
	for k := range messagesEn {
		en = append(en, k)
	}
	return fa, en
}
