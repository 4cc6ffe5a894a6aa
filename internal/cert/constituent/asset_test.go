package constituent

import (
	"testing"

	"github.com/itoir/miz/internal/problem"
)

// TestClaimedValuesAreNormalisedOrRefusedOnTheirField: a prefix is masked, an AS
// number loses its "AS", a domain is lower-case punycode without the root dot.
func TestClaimedValuesAreNormalisedOrRefusedOnTheirField(t *testing.T) {
	for _, c := range []struct{ kind, in, want string }{
		{KindPrefix, "10.1.2.3/8", "10.0.0.0/8"},
		{KindPrefix, "2001:DB8::1/32", "2001:db8::/32"},
		{KindPrefix, "192.0.2.7", "192.0.2.7/32"},
		{KindPrefix, "::ffff:192.0.2.0/120", "192.0.2.0/24"},
		{KindASN, "AS۶۴۵۰۰", "64500"},
		{KindASN, " as64501 ", "64501"},
		{KindDomain, "Bank.IR.", "bank.ir"},
		{KindDomain, "بانک.ایران", "xn--mgbb5gwr.xn--mgba3a4f16a"},
		{KindProduct, "  nginx 1.25 ", "nginx 1.25"},
	} {
		got, err := NormalizeValue(c.kind, c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizeValue(%s, %q) = %q, %v; want %q", c.kind, c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ kind, in, field string }{
		{KindPrefix, "10.0.0.0/33", "value"},
		{KindASN, "AS0", "value"},
		{KindDomain, "localhost", "value"},
		{KindDomain, "a..b", "value"},
		{KindPrefix, "", "value"},
		{"ip", "10.0.0.0/8", "kind"},
	} {
		_, err := NormalizeValue(c.kind, c.in)
		if pe := problem.As(err); err == nil || pe.Field != c.field {
			t.Errorf("NormalizeValue(%s, %q) = %v, want an error on %q", c.kind, c.in, err, c.field)
		}
	}
}
