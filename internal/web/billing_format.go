package web

import (
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
)

// rials writes an amount of rials with thousands separators: Persian digits and the
// Arabic thousands separator (٬) in Persian, ASCII digits and commas in English.
func rials(lang i18n.Lang, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == i18n.Fa {
		sep = "٬"
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if lang == i18n.Fa {
		return persian.PersianDigits(out)
	}
	return out
}

// tariffsCard lists a service's priced items for its identity card (§6): each
// name with its price before VAT, or "by agreement"; mark adds the demo's
// "(example)" to an unconfirmed price.
func tariffsCard(lang i18n.Lang, svc *catalog.Service, mark func(path string) string) string {
	var items []string
	for _, t := range svc.Tariffs {
		price := i18n.T(lang, "catalog.fee.agreement")
		if t.Basis == catalog.FeeFixed {
			price = i18n.T(lang, "billing.rials", rials(lang, t.Amount)) + mark("tariffs."+t.ID)
		}
		items = append(items, t.Name.In(string(lang))+": "+price)
	}
	if lang == i18n.Fa {
		return strings.Join(items, "؛ ")
	}
	return strings.Join(items, "; ")
}

// vatPercent writes a VAT rate given in basis points as a percentage: 1000 → "10",
// 950 → "9.5".
func vatPercent(bp int) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', -1, 64)
	return s
}

// monthName is a Jalali month's name in the page's language.
func monthName(lang i18n.Lang, month int) string {
	if lang == i18n.En {
		return jalali.MonthNameEn(month)
	}
	return jalali.MonthNameFa(month)
}
