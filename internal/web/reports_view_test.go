package web

import (
	"testing"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/slareport"
)

// TestReportFiguresReadAsNumbers_20: a zero is a zero, not a blank; fractions keep
// two places with the Persian decimal separator; a missing figure says so.
func TestReportFiguresReadAsNumbers_20(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	fa, en := &Page{Lang: i18n.Fa}, &Page{Lang: i18n.En}
	for _, c := range []struct {
		p    *Page
		f    slareport.Figure
		want string
	}{
		{fa, slareport.Figure{Value: v(0)}, "۰"},
		{en, slareport.Figure{Value: v(0)}, "0"},
		{fa, slareport.Figure{Value: v(16.5), Unit: "hours"}, "۱۶٫۵ ساعت"},
		{en, slareport.Figure{Value: v(99.999), Unit: "%"}, "100%"},
		{fa, slareport.Figure{Value: v(97.25), Unit: "%"}, "۹۷٫۲۵٪"},
		{en, slareport.Figure{Value: nil}, "no data yet"},
	} {
		if got := figureValue(c.p, c.f); got != c.want {
			t.Errorf("%s %v %q = %q, want %q", c.p.Lang, c.f.Value, c.f.Unit, got, c.want)
		}
	}
}
