package match

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
)

func own(id int64) Owner { return Owner{OrgID: id * 10, AssetID: id} }

// TestLongestPrefixWinsAcrossOverlapsAndFamilies_M43 is the matcher's edge cases as
// a table: overlapping and nested prefixes, IPv6, IPv4-mapped addresses, IDN
// domains, trailing dots and rows that carry only an ASN (SLA M-4.3).
func TestLongestPrefixWinsAcrossOverlapsAndFamilies_M43(t *testing.T) {
	m, bad := Build([]Asset{
		{own(1), "prefix", "10.0.0.0/8"},
		{own(2), "prefix", "10.1.0.0/16"},
		{own(3), "prefix", "10.1.2.0/24"},
		{own(4), "prefix", "10.1.2.128/25"},
		{own(5), "prefix", "10.1.3.7"}, // a bare address is a /32
		{own(6), "prefix", "2001:db8::/32"},
		{own(7), "prefix", "2001:db8:1::/48"},
		{own(8), "prefix", "0.0.0.0/0"},
		{own(9), "prefix", "10.200.0.0/16"},
		{own(10), "prefix", "10.200.0.0/16"}, // claimed twice: the lower asset ID keeps it
		{own(11), "prefix", "255.255.255.0/24"},
		{own(12), "prefix", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"},
		{own(13), "asn", "AS64500"},
		{own(14), "asn", "64501"},
		{own(15), "domain", "example.ir"},
		{own(16), "domain", "mail.example.ir."},
		{own(17), "domain", "بانک.ایران"},
		{own(18), "domain", "Shop.Example.COM"},
		{own(19), "product", "nginx 1.25"}, // products do not match addresses
		{own(20), "prefix", "not-a-prefix"},
		{own(21), "domain", "a..b"},
		{own(22), "asn", "AS0"},
	})
	if len(bad) != 3 {
		t.Errorf("bad assets = %v, want the malformed prefix, domain and ASN", bad)
	}
	a := netip.MustParseAddr
	cases := []struct {
		name string
		ev   Event
		want Owner
		by   By
	}{
		{"outer /8 outside every inner prefix", Event{IP: a("10.9.9.9")}, own(1), ByPrefix},
		{"/16 inside /8", Event{IP: a("10.1.0.1")}, own(2), ByPrefix},
		{"/24 inside /16", Event{IP: a("10.1.2.1")}, own(3), ByPrefix},
		{"/25 at the top of the /24", Event{IP: a("10.1.2.255")}, own(4), ByPrefix},
		{"first address of the /25", Event{IP: a("10.1.2.128")}, own(4), ByPrefix},
		{"last address before the /25", Event{IP: a("10.1.2.127")}, own(3), ByPrefix},
		{"host /32", Event{IP: a("10.1.3.7")}, own(5), ByPrefix},
		{"next to the host /32 falls back to the /16", Event{IP: a("10.1.3.8")}, own(2), ByPrefix},
		{"/16 resumes after its inner /24", Event{IP: a("10.1.255.255")}, own(2), ByPrefix},
		{"the default route catches the rest of IPv4", Event{IP: a("192.0.2.1")}, own(8), ByPrefix},
		{"IPv4-mapped IPv6 is the IPv4 address", Event{IP: a("::ffff:10.1.2.200")}, own(4), ByPrefix},
		{"IPv6 /48 inside /32", Event{IP: a("2001:db8:1::1")}, own(7), ByPrefix},
		{"IPv6 /32 outside the /48", Event{IP: a("2001:db8:2::1")}, own(6), ByPrefix},
		{"IPv6 outside every claim", Event{IP: a("2001:db9::1")}, Owner{}, ByNone},
		{"IPv4 default route does not cover IPv6", Event{IP: a("fe80::1")}, Owner{}, ByNone},
		{"same prefix claimed twice goes to the lower asset", Event{IP: a("10.200.1.1")}, own(9), ByPrefix},
		{"top of IPv4", Event{IP: a("255.255.255.255")}, own(11), ByPrefix},
		{"top of IPv6", Event{IP: a("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")}, own(12), ByPrefix},
		{"domain itself", Event{Host: "example.ir"}, own(15), ByDomain},
		{"subdomain", Event{Host: "www.example.ir"}, own(15), ByDomain},
		{"longer claimed suffix wins", Event{Host: "smtp.mail.example.ir"}, own(16), ByDomain},
		{"trailing dot and capitals", Event{Host: "MAIL.Example.IR."}, own(16), ByDomain},
		{"a name that only ends like the domain", Event{Host: "badexample.ir"}, Owner{}, ByNone},
		{"IDN host in Unicode", Event{Host: "www.بانک.ایران"}, own(17), ByDomain},
		{"IDN host in punycode", Event{Host: "www.xn--mgbb5gwr.xn--mgba3a4f16a"}, own(17), ByDomain},
		{"claim in capitals, host in lower case", Event{Host: "cdn.shop.example.com"}, own(18), ByDomain},
		{"ASN-only row", Event{ASN: 64500}, own(13), ByASN},
		{"ASN-only row, unclaimed", Event{ASN: 64999}, Owner{}, ByNone},
		{"address beats domain and ASN", Event{IP: a("2001:db8:1::5"), Host: "example.ir", ASN: 64501}, own(7), ByPrefix},
		{"domain beats ASN when the address is unclaimed", Event{IP: a("fe80::2"), Host: "example.ir", ASN: 64501}, own(15), ByDomain},
		{"ASN when neither address nor host match", Event{IP: a("fe80::2"), Host: "other.org", ASN: 64501}, own(14), ByASN},
		{"nothing at all", Event{}, Owner{}, ByNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, by := m.Match(c.ev)
			if got != c.want || by != c.by {
				t.Errorf("Match(%+v) = %v by %q, want %v by %q", c.ev, got, by, c.want, c.by)
			}
		})
	}
}

func TestNormalizeDomain(t *testing.T) {
	for in, want := range map[string]string{
		"Example.IR.":   "example.ir",
		"*.example.ir":  "example.ir",
		"بانک.ایران":    "xn--mgbb5gwr.xn--mgba3a4f16a",
		"BÜCHER.de":     "xn--bcher-kva.de",
		" example.ir ":  "example.ir",
		"_dmarc.ex.com": "_dmarc.ex.com",
	} {
		got, err := NormalizeDomain(in)
		if err != nil || got != want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", ".", "a..b", ".a", "a b.com"} {
		if got, err := NormalizeDomain(in); err == nil {
			t.Errorf("NormalizeDomain(%q) = %q, want an error", in, got)
		}
	}
}

// TestMatcherAgreesWithLinearScan checks the flattened ranges against the plain
// definition (the longest prefix containing the address) on random nested claims.
func TestMatcherAgreesWithLinearScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var assets []Asset
	var prefixes []netip.Prefix
	for i := range 400 {
		bits := 8 + r.IntN(25)
		addr := netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(256)), byte(r.IntN(256))})
		p := netip.PrefixFrom(addr, bits).Masked()
		prefixes = append(prefixes, p)
		assets = append(assets, Asset{own(int64(i + 1)), "prefix", p.String()})
	}
	m, _ := Build(assets)
	for range 20000 {
		a := netip.AddrFrom4([4]byte{10, byte(r.IntN(5)), byte(r.IntN(256)), byte(r.IntN(256))})
		want, best := Owner{}, -1
		for i, p := range prefixes {
			if p.Contains(a) && (p.Bits() > best || (p.Bits() == best && int64(i+1) < want.AssetID)) {
				want, best = own(int64(i+1)), p.Bits()
			}
		}
		got, ok := m.IP(a)
		if got != want || ok != (best >= 0) {
			t.Fatalf("IP(%s) = %v %v, want %v (longest /%d)", a, got, ok, want, best)
		}
	}
}

func BenchmarkMatcherLookup(b *testing.B) {
	assets := make([]Asset, 0, 150000)
	for i := range 100000 {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(1 + i%200), byte(i / 200 % 256), byte(i * 7 % 256), 0}), 24)
		assets = append(assets, Asset{own(int64(i + 1)), "prefix", p.String()})
	}
	for i := range 50000 {
		assets = append(assets, Asset{own(int64(200000 + i)), "domain", fmt.Sprintf("org%d.example.ir", i)})
	}
	m, _ := Build(assets)
	ips := make([]netip.Addr, 4096)
	for i := range ips {
		ips[i] = netip.AddrFrom4([4]byte{byte(1 + i%220), byte(i % 256), byte(i * 7 % 256), byte(i)})
	}
	// The baseline: an exact-match map of the same /24s, the least a lookup can
	// cost (it cannot do longest-prefix matching).
	exact := map[[3]byte]Owner{}
	for _, a := range assets[:100000] {
		p := netip.MustParsePrefix(a.Value)
		b4 := p.Addr().As4()
		exact[[3]byte{b4[0], b4[1], b4[2]}] = a.Owner
	}
	b.Run("map-baseline", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			a := ips[i&4095].As4()
			_ = exact[[3]byte{a[0], a[1], a[2]}]
		}
	})
	b.Run("ip", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m.IP(ips[i&4095])
		}
	})
	b.Run("domain", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m.Domain("www.a.org12345.example.ir")
		}
	})
}
