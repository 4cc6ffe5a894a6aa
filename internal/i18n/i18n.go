// Package i18n holds Miz's interface text in Persian (first) and English, and picks
// the language of a request.
package i18n

import (
	"fmt"
	"net/http"
	"strings"
	"sync"

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

// FromRequest picks the language of a page: ?lang=, then the `lang` cookie, else
// Persian. The desk is Persian first: a browser's default Accept-Language (often
// English) does not switch it; the person does, with the language switch.
func FromRequest(r *http.Request) Lang {
	if r.URL.RawQuery == "" {
		// no query to parse (the registry's pages are read this way: issue 18)
	} else if q := r.URL.Query().Get("lang"); q != "" {
		return Parse(q)
	}
	if c, err := r.Cookie("lang"); err == nil {
		return Parse(c.Value)
	}
	return Fa
}

// FromAPIRequest picks the language of an API response: ?lang=, then Accept-Language
// (only an explicit English preference switches away from Persian).
func FromAPIRequest(r *http.Request) Lang {
	if q := r.URL.Query().Get("lang"); q != "" {
		return Parse(q)
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
	s, ok := lookup(l, key)
	if !ok {
		s = key
	}
	// A message that takes no arguments is shown as written: callers such as the
	// upload checks pass the same arguments to every message of a family, and fmt
	// would append them as "%!(EXTRA …)" to one that uses none.
	if len(args) > 0 && strings.Contains(s, "%") {
		s = fmt.Sprintf(s, args...)
	}
	if l == Fa {
		s = persian.PersianDigitsOutsideIDs(s) // a tracking code keeps its ASCII digits
	}
	return s
}

// tables lists the message tables of a language: the core one, then one per area,
// so that each area's text lives beside its own kind of page.
func tables(l Lang) []map[string]string {
	if l == En {
		return tablesEn()
	}
	return tablesFa()
}

// The tables are built on first use, not at package init (issue 18): ~4,500 messages,
// 270 KB of maps, that a server does not need until it renders its first page.
var (
	tablesFa = sync.OnceValue(func() []map[string]string {
		incident := incidentFa()
		addRSIT(incident, Fa)
		return []map[string]string{messagesFa(), casesFa(), certifyFa(), complaintsFa(), securityFa(), auditFa(), hardeningFa(), accountsFa(), uxFa(), docsFa(), publicFa(), oversightFa(), noticesFa(), stepsFa(), certFa(), reportFa(), billingFa(), feedsFa(), advisoryFa(), dispatchFa(), incident, ux2Fa(), coursesFa(), ackFa(), searchFa()}
	})
	tablesEn = sync.OnceValue(func() []map[string]string {
		incident := incidentEn()
		addRSIT(incident, En)
		return []map[string]string{messagesEn(), casesEn(), certifyEn(), complaintsEn(), securityEn(), auditEn(), hardeningEn(), accountsEn(), uxEn(), docsEn(), publicEn(), oversightEn(), noticesEn(), stepsEn(), certEn(), reportEn(), billingEn(), feedsEn(), advisoryEn(), dispatchEn(), incident, ux2En(), coursesEn(), ackEn(), searchEn()}
	})
)

func lookup(l Lang, key string) (string, bool) {
	for _, t := range tables(l) {
		if s, ok := t[key]; ok {
			return s, true
		}
	}
	return "", false
}

// Has reports whether key has text in both languages.
func Has(key string) bool {
	_, fa := lookup(Fa, key)
	_, en := lookup(En, key)
	return fa && en
}

// Keys lists every message key known in either language (for tests).
func Keys() (fa, en []string) {
	for _, t := range tables(Fa) {
		for k := range t {
			fa = append(fa, k)
		}
	}
	for _, t := range tables(En) {
		for k := range t {
			en = append(en, k)
		}
	}
	return fa, en
}
