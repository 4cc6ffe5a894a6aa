package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/kpi"
)

// TestPerformancePageKeepsEachKindInItsOwnUnit_14: CERT counts incidents in clock
// hours and courses in business days; its performance page never prints a
// service-wide delivery figure that adds the two, says why, and shows each kind
// with its own unit. A service in one unit names that unit beside its figure.
func TestPerformancePageKeepsEachKindInItsOwnUnit_14(t *testing.T) {
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRenderer(a)
	if err != nil {
		t.Fatal(err)
	}
	list := func(context.Context) ([]*catalog.Service, error) { return svcs, nil }
	pct := 50.0
	render := func(lang i18n.Lang, rep *kpi.Report) string {
		p := &Page{Lang: lang, Errors: map[string]string{}, Form: map[string]string{}, labels: newLabeler(context.Background(), list),
			Data: perfData{Report: rep, Name: rep.Service}}
		w := httptest.NewRecorder()
		if err := r.render(w, 200, "performance", p); err != nil {
			t.Fatal(err)
		}
		return w.Body.String()
	}
	mixed := &kpi.Report{Service: "cert", Completed: 3, Unit: kpi.UnitMixed, Kinds: []kpi.KindReport{
		{Kind: "incident", Unit: kpi.UnitHours, Received: 2, Completed: 2, OnTime: 1, OnTimePercent: &pct, Delivery: kpi.Stats{Count: 2, Median: 16.5, P90: 30}},
		{Kind: "course", Unit: kpi.UnitBusinessDays, Received: 1, Completed: 1, Delivery: kpi.Stats{Count: 1, Median: 4, P90: 4}},
	}}
	for _, c := range []struct {
		lang              i18n.Lang
		hours, days, kind string
	}{{i18n.Fa, "ساعت، شبانه‌روزی", "روز کاری", "حادثه"}, {i18n.En, "hours, around the clock", "business days", "ncident"}} {
		b := render(c.lang, mixed)
		delivery := strings.ReplaceAll(between(b, `id="kpi-delivery"`, "</dd>"), "&#39;", "'")
		if strings.ContainsAny(delivery, "0123456789۰۱۲۳۴۵۶۷۸۹") {
			t.Errorf("%s: the service-wide delivery adds hours and business days: %q", c.lang, delivery)
		}
		inc, course := between(b, `id="kpi-kind-incident"`, "</tr>"), between(b, `id="kpi-kind-course"`, "</tr>")
		if !strings.Contains(inc, c.hours) || strings.Contains(inc, c.days) || !strings.Contains(inc, c.kind) {
			t.Errorf("%s: incident row %q, want its own unit (%s) and its name", c.lang, inc, c.hours)
		}
		if !strings.Contains(course, c.days) || strings.Contains(course, c.hours) {
			t.Errorf("%s: course row %q, want business days", c.lang, course)
		}
		if strings.Contains(b, "incident<") || strings.Contains(b, "perf.unit") {
			t.Errorf("%s: a raw code on the page", c.lang)
		}
	}
	// Figures without data say so; the period ends on its last day, not the next one.
	empty := &kpi.Report{Service: "certify", Visits: &kpi.Visits{}, FirstResponse: &kpi.Stats{}, Satisfaction: &kpi.Satisfaction{}}
	empty.Period, _ = kpi.ParsePeriod("1405-09")
	b := render(i18n.Fa, empty)
	for _, id := range []string{"kpi-visits", "kpi-first-response", "kpi-csat"} {
		if dd := between(b, `id="`+id+`"`, "</dd>"); !strings.Contains(dd, "هنوز داده‌ای نیست") {
			t.Errorf("%s without data: %q", id, dd)
		}
	}
	if !strings.Contains(b, "۱۴۰۵/۰۹/۳۰") || strings.Contains(b, "۱۴۰۵/۱۰/۰۱") {
		t.Errorf("the period of Azar 1405 does not end on ۱۴۰۵/۰۹/۳۰: %s", between(b, `id="kpis"`, "</dd>"))
	}
	one := &kpi.Report{Service: "certify", Completed: 1, Unit: kpi.UnitBusinessDays, Delivery: kpi.Stats{Count: 1, Median: 12, P90: 12},
		Kinds: []kpi.KindReport{{Kind: "application", Unit: kpi.UnitBusinessDays, Received: 1, Completed: 1, Delivery: kpi.Stats{Count: 1, Median: 12, P90: 12}}}}
	if b := render(i18n.En, one); !strings.Contains(b, "Delivery time (business days)") || !strings.Contains(between(b, `id="kpi-delivery"`, "</dd>"), "12") {
		t.Errorf("a service in one unit does not name it beside its figure")
	}
}

// between returns the text of s after the first from, up to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
