package web

import (
	"context"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/i18n"
)

// TestCalendarHourClockReadsHoursAndMinutes_UX13: CERT's 24-hour clock says
// "23 hours and 59 minutes", not "1 day".
func TestCalendarHourClockReadsHoursAndMinutes_UX13(t *testing.T) {
	c := cases.Clock{Started: true, RemainingSeconds: 86340, RemainingHours: 23, RemainingMinutes: 59}
	if got := clockWords(i18n.En, c); !strings.Contains(got, "23 hours and 59 minutes") {
		t.Fatalf("got %q", got)
	}
	c = cases.Clock{Started: true, RemainingSeconds: 90000, RemainingDays: 1, RemainingHours: 1}
	if got := clockWords(i18n.Fa, c); !strings.Contains(got, "۲۵ ساعت") || strings.Contains(got, "روز") {
		t.Fatalf("got %q", got)
	}
}

// TestLabelsNameCatalogCodes_UX13: the template functions turn each kind of code
// into its catalog name in the page's language (issue 13, Blocking-2).
func TestLabelsNameCatalogCodes_UX13(t *testing.T) {
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	list := func(context.Context) ([]*catalog.Service, error) { return svcs, nil }
	f := labelFuncs()
	fa := &Page{Lang: i18n.Fa, labels: newLabeler(context.Background(), list)}
	en := &Page{Lang: i18n.En, labels: newLabeler(context.Background(), list)}
	call := func(name string, args ...any) string {
		switch fn := f[name].(type) {
		case func(*Page, string) string:
			return fn(args[0].(*Page), args[1].(string))
		case func(*Page, string, string) string:
			return fn(args[0].(*Page), args[1].(string), args[2].(string))
		case func(*Page, string, string, string) string:
			return fn(args[0].(*Page), args[1].(string), args[2].(string), args[3].(string))
		}
		t.Fatalf("no function %s", name)
		return ""
	}
	certify := svcs[0]
	for _, s := range svcs {
		if s.ID == "certify" {
			certify = s
		}
	}
	k := certify.CaseKinds[0]
	tr := k.Process.Transitions[0]
	cases := []struct{ got, want string }{
		{call("service", fa, "certify"), certify.Name.FA},
		{call("service", en, "certify"), certify.Name.EN},
		{call("casekind", en, "certify", k.ID), k.Name.EN},
		{call("state", fa, "certify", k.ID, k.Process.States[1].ID), k.Process.States[1].Name.FA},
		{call("state", en, "certify", "", k.Process.States[1].ID), k.Process.States[1].Name.EN},
		{call("step", en, "certify", k.ID, tr.ID), tr.Name.EN},
		{call("doc", fa, "certify", certify.Documents[0].ID), certify.Documents[0].Name.FA},
		{call("enum", en, "deployment", "on_premise"), "On premise"},
		{call("enum", fa, "deployment", "Linux server"), "Linux server"},
		{call("step", fa, "certify", k.ID, "open"), "ایجاد پرونده"},
	}
	for i, c := range cases {
		if c.got != c.want || c.got == "" {
			t.Errorf("%d: got %q, want %q", i, c.got, c.want)
		}
	}
	if got := call("state", en, "certify", k.ID, "no_such_state"); strings.Contains(got, "_") {
		t.Errorf("an unknown code is shown raw: %q", got)
	}
	if got := f["pct"].(func(*Page, float64) string)(fa, 0.5); got != "۵۰٪" {
		t.Errorf("pct: %q", got)
	}
}
