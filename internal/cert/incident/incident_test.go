package incident

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/problem"
)

func TestNormalizeIndicator(t *testing.T) {
	tests := []struct{ in, typ, wantType, want string }{
		{"1.2.3[.]4", "", IP, "1.2.3.4"},
		{"۱۹۲.۱۶۸.۱.۱۰", "", IP, "192.168.1.10"},
		{"10.1.2.3/8", "", IP, "10.0.0.0/8"},
		{"2001:DB8::0:1", "", IP, "2001:db8::1"},
		{"::ffff:1.2.3.4", "", IP, "1.2.3.4"},
		{"Evil[.]IR", "", Domain, "evil.ir"},
		{"evil(dot)example(dot)com.", "", Domain, "evil.example.com"},
		{"ایران.ir", "", Domain, "xn--mgba3a4f16a.ir"},
		{"hxxp://evil[.]ir/Path?q=1", "", URL, "http://evil.ir/Path?q=1"},
		{"HXXPS[://]Bad.Example.COM:8443/x", "", URL, "https://bad.example.com:8443/x"},
		{"http://[2001:db8::1]/a", "", URL, "http://[2001:db8::1]/a"},
		{"user[@]x.ir", "", Email, "user@x.ir"},
		{"Ali.Reza(at)Mail.IR", "", Email, "Ali.Reza@mail.ir"},
		{"D41D8CD98F00B204E9800998ECF8427E", "", MD5, "d41d8cd98f00b204e9800998ecf8427e"},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha-1", SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{strings.Repeat("AB", 32), "sha256", SHA256, strings.Repeat("ab", 32)},
		{"fileserver.corp.ir", "hostname", Domain, "fileserver.corp.ir"},
	}
	for _, tt := range tests {
		got, err := NormalizeIndicator(tt.in, tt.typ)
		if err != nil || got.Type != tt.wantType || got.Value != tt.want {
			t.Errorf("NormalizeIndicator(%q, %q) = %+v, %v; want %s %s", tt.in, tt.typ, got, err, tt.wantType, tt.want)
		}
	}
	for _, bad := range []struct{ in, typ string }{
		{"999.1.1.1", ""}, {"1.2.3", ""}, {"1.2.3.4/33", ""}, {"fe80::1%eth0", ""}, {"evil", ""},
		{"-bad.ir", ""}, {"a..b.ir", ""}, {"javascript://x", ""}, {"http://", ""}, {"http://999.1.1.1/", ""},
		{"x@", ""}, {"@x.ir", ""}, {"a b@x.ir", ""}, {"abc", "md5"}, {"d41d8cd98f00b204e9800998ecf8427e", "sha1"},
		{"1.2.3.4", "registry-key"}, {"http://evil.ir:99999/", ""}, {"", ""},
	} {
		if got, err := NormalizeIndicator(bad.in, bad.typ); err == nil {
			t.Errorf("NormalizeIndicator(%q, %q) accepted as %+v", bad.in, bad.typ, got)
		}
	}
}

func TestNormalizeAsset(t *testing.T) {
	good := []struct{ in, typ, wantType, want string }{
		{"192.0.2.7", "", AssetIP, "192.0.2.7"},
		{"192.0.2.0/24", "", AssetCIDR, "192.0.2.0/24"},
		{"2001:db8::/32", "", AssetCIDR, "2001:db8::/32"},
		{"Mail.Example.IR", "", AssetDomain, "mail.example.ir"},
		{"https://portal.example.ir/login", "", AssetURL, "https://portal.example.ir/login"},
		{"FILESERVER01", "", AssetHostname, "fileserver01"},
		{"db1.corp.local", "hostname", AssetHostname, "db1.corp.local"},
	}
	for _, tt := range good {
		got, err := NormalizeAsset(tt.in, tt.typ)
		if err != nil || got.Type != tt.wantType || got.Value != tt.want {
			t.Errorf("NormalizeAsset(%q, %q) = %+v, %v", tt.in, tt.typ, got, err)
		}
	}
	for _, bad := range []struct{ in, typ string }{
		{"999.1.1.1", ""}, {"999.1.1.1", "ip"}, {"192.0.2.0/24", "ip"}, {"192.0.2.7", "cidr"},
		{"under_score.ir", ""}, {"x.123", "domain"}, {"host", "domain"}, {"printer", "scanner"},
	} {
		if got, err := NormalizeAsset(bad.in, bad.typ); err == nil {
			t.Errorf("NormalizeAsset(%q, %q) accepted as %+v", bad.in, bad.typ, got)
		}
	}
}

func TestParseFirstSeenJalaliOrGregorian(t *testing.T) {
	now := time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)
	tehran := time.FixedZone("IRST", 3*3600+1800)
	want := time.Date(2026, 4, 4, 14, 30, 0, 0, tehran)
	for _, in := range []string{"1405/01/15 14:30", "۱۴۰۵/۰۱/۱۵ ۱۴:۳۰", "2026-04-04 14:30", "2026-04-04T14:30:00+03:30", "2026-04-04T11:00:00Z"} {
		got, err := ParseFirstSeen(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseFirstSeen(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"1405/13/01", "1404/12/31", "2026-02-30", "yesterday", "2026-04-04 25:00", "1989-01-01"} {
		if _, err := ParseFirstSeen(in, now); err == nil {
			t.Errorf("ParseFirstSeen(%q) accepted", in)
		}
	}
	if _, err := ParseFirstSeen("2026-05-01", now); err != errDateFuture {
		t.Errorf("a future date: %v", err)
	}
}

// TestParseReportsEveryFieldAtOnce: issue 15 — `tlp:"NOT-A-TLP"` and IP `999.1.1.1`
// were accepted; now each field at fault is named, all in one answer.
func TestParseReportsEveryFieldAtOnce(t *testing.T) {
	raw := `{"summary":"x","tlp":"NOT-A-TLP","first_seen":"1405/13/40","contact_email":"not mail",
		"contact_phone":"12ab","assets":["999.1.1.1","mail.example.ir",{"type":"printer","value":"p1"}],
		"indicators":["1.2.3[.]4","999.1.1.1",{"type":"md5","value":"xyz"},{"value":"evil.ir","tlp":"WHITE"}]}`
	_, err := Parse(json.RawMessage(raw), time.Time{})
	fe, ok := err.(FieldErrors)
	if !ok {
		t.Fatalf("want FieldErrors, got %T %v", err, err)
	}
	want := []string{"first_seen", "contact_phone", "contact_email", "tlp", "assets[0]", "assets[2]",
		"indicators[1]", "indicators[2]", "indicators[3]"}
	if !slices.Equal(fe.Fields(), want) {
		t.Fatalf("fields %v, want %v", fe.Fields(), want)
	}
	if pe := problem.As(err); pe.Code != problem.Invalid || pe.Field != "first_seen" || pe.Key != "cert.first_seen.invalid" {
		t.Fatalf("first error %+v", pe)
	}
	keys := map[string]string{}
	for _, e := range fe {
		keys[e.Field] = e.Key
	}
	if keys["tlp"] != "cert.tlp.invalid" || keys["assets[2]"] != "cert.asset.type" || keys["assets[0]"] != "cert.asset.invalid" {
		t.Fatalf("keys %v", keys)
	}
	if _, err := Parse(json.RawMessage(`{"summary":"x","price":1}`), time.Time{}); problem.As(err).Field != "form" {
		t.Fatalf("unknown field: %v", err)
	}
}

func TestParseNormalisesAndDedupes(t *testing.T) {
	raw := `{"summary":"  باج‌افزار روي سرور  ","first_seen":"1405/01/15","tlp":"amber+strict","assets":"192.0.2.7\nmail.example.ir",
		"indicators":"hxxp://evil[.]ir/a, http://EVIL.ir/a\n1.2.3[.]4 1.2.3.4\nD41D8CD98F00B204E9800998ECF8427E ؛ d41d8cd98f00b204e9800998ecf8427e",
		"contact_phone":"۰۲۱-۸۸۰۰۰۰۰۰"}`
	f, err := Parse(json.RawMessage(raw), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if f.TLP != tlp.AmberStrict || f.Label() != tlp.AmberStrict || f.ContactPhone != "02188000000" || f.FirstSeen != "2026-04-04T00:00:00+03:30" {
		t.Fatalf("normalised: %+v", f)
	}
	if len(f.Assets) != 2 || len(f.Indicators) != 3 {
		t.Fatalf("assets %v indicators %v", f.Assets, f.Indicators)
	}
	// The stored form parses back to itself, so checks at submission see what was stored.
	b, _ := json.Marshal(f)
	g, err := Parse(b, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(g)
	if string(b) != string(b2) {
		t.Fatalf("not stable:\n%s\n%s", b, b2)
	}
	empty, err := Parse(json.RawMessage(`{}`), time.Time{})
	if err != nil || empty.Complete() == nil || empty.Label() != tlp.Amber {
		t.Fatalf("a draft with no summary: %v %v", err, empty.Complete())
	}
}

func TestDedupeKeepsTheStricterLabel(t *testing.T) {
	got := Dedupe([]Indicator{{Type: IP, Value: "1.2.3.4"}, {Type: IP, Value: "1.2.3.4", TLP: tlp.Red}, {Type: Domain, Value: "a.ir"}})
	if len(got) != 2 || got[0].TLP != tlp.Red {
		t.Fatalf("%+v", got)
	}
}
