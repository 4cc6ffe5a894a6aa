package feed

import (
	"io"
	"net/netip"
	"strings"
	"testing"
)

func readAll(t *testing.T, in, name string) ([]Event, []BadRow, Format) {
	t.Helper()
	r, err := Open(strings.NewReader(in), name)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	var bad []BadRow
	for {
		e, b, err := r.Next()
		if err == io.EOF {
			return evs, bad, r.Format
		}
		if err != nil {
			t.Fatal(err)
		}
		if b != nil {
			bad = append(bad, *b)
			continue
		}
		evs = append(evs, e)
	}
}

// TestShadowserverCSVBadRowsCountedByLineNeverAbort_M43: a report's bad rows are
// skipped and named by line; the rows around them still import.
func TestShadowserverCSVBadRowsCountedByLineNeverAbort_M43(t *testing.T) {
	in := "\ufefftimestamp,ip,protocol,port,hostname,tag,asn,geo,severity\n" +
		"2026-12-01 10:00:00,192.0.2.10,tcp,3389,rdp.example.ir,rdp,64500,IR,medium\n" +
		"2026-12-01 10:00:01,999.1.1.1,tcp,3389,,rdp,64500,IR,medium\n" + // line 3: bad ip
		"2026-12-01 10:00:02,2001:db8::5,udp,123,,ntp-monitor,,IR,\n" +
		"2026-12-01 10:00:03,192.0.2.11,tcp,99999,,rdp,,IR,high\n" + // line 5: bad port
		"\n" +
		"yesterday,192.0.2.12,tcp,22,,ssh,,IR,low\n" + // line 7: bad timestamp
		",,tcp,22,,ssh,,IR,low\n" + // line 8: nothing to match
		"2026-12-01 10:00:04,,tcp,443,,ssl-poodle,AS64501,IR,info\n"
	evs, bad, f := readAll(t, in, "scan_rdp")
	if f != FormatCSV {
		t.Fatalf("format = %s", f)
	}
	if len(evs) != 3 {
		t.Fatalf("events = %d (%+v), want 3", len(evs), evs)
	}
	var lines []int
	for _, b := range bad {
		lines = append(lines, b.Line)
	}
	if want := []int{3, 5, 7, 8}; len(lines) != len(want) || lines[0] != 3 || lines[1] != 5 || lines[2] != 7 || lines[3] != 8 {
		t.Errorf("bad lines = %v (%+v), want %v", lines, bad, want)
	}
	e := evs[0]
	if e.Line != 2 || e.IP != netip.MustParseAddr("192.0.2.10") || e.Port != 3389 || e.ASN != 64500 ||
		e.Host != "rdp.example.ir" || e.Feed != "scan_rdp" || e.Class != "vulnerable" ||
		e.Type != "potentially-unwanted-accessible" || e.Severity != "medium" || e.Time.Hour() != 10 {
		t.Errorf("first event = %+v", e)
	}
	if evs[1].Type != "ddos-amplifier" || evs[1].Severity != "medium" {
		t.Errorf("ntp row classified %s/%s %s, want an amplifier with the class's severity", evs[1].Class, evs[1].Type, evs[1].Severity)
	}
	if evs[2].ASN != 64501 || evs[2].Type != "weak-crypto" || evs[2].Severity != "low" {
		t.Errorf("ASN-only row = %+v", evs[2])
	}
}

// TestIntelMQJSONLinesClassifiedOnRSIT_M43 reads IntelMQ's dotted keys, numbers as
// numbers, and reports broken lines by number.
func TestIntelMQJSONLinesClassifiedOnRSIT_M43(t *testing.T) {
	in := `{"time.source":"2026-12-01T08:00:00+00:00","source.ip":"198.51.100.7","source.asn":64500,"source.port":443,"classification.taxonomy":"malicious code","classification.type":"c2 server","classification.identifier":"cobaltstrike","feed.name":"c2-list"}` + "\n" +
		`{"source.fqdn":"Login.بانک.ایران.","classification.taxonomy":"fraud","classification.type":"phishing","feed.name":"phish"}` + "\n" +
		`{not json` + "\n" +
		"\n" +
		`{"source.ip":"198.51.100.8","classification.taxonomy":"nonsense"}` + "\n" +
		`{"feed.name":"x"}`
	evs, bad, f := readAll(t, in, "upload")
	if f != FormatJSON {
		t.Fatalf("format = %s", f)
	}
	if len(evs) != 3 || len(bad) != 2 || bad[0].Line != 3 || bad[1].Line != 6 {
		t.Fatalf("events %+v bad %+v", evs, bad)
	}
	if e := evs[0]; e.Class != "malicious-code" || e.Type != "c2-server" || e.Severity != "high" ||
		e.ASN != 64500 || e.Port != 443 || e.Feed != "c2-list" || e.Tag != "cobaltstrike" {
		t.Errorf("c2 event = %+v", e)
	}
	if e := evs[1]; e.Host != "login.xn--mgbb5gwr.xn--mgba3a4f16a" || e.Type != "phishing" {
		t.Errorf("IDN phishing event = %+v", e)
	}
	if e := evs[2]; e.Class != "other" || e.Feed != "upload" {
		t.Errorf("unknown class = %+v, want other with the import's name", e)
	}
}

func TestCSVWithoutMatchableColumnsIsRefused(t *testing.T) {
	if _, err := Open(strings.NewReader("a,b\n1,2\n"), "x"); err != ErrNoColumns {
		t.Fatalf("err = %v", err)
	}
}

func TestFingerprintIgnoresTimeButNotPlace(t *testing.T) {
	a := Event{Feed: "f", IP: netip.MustParseAddr("192.0.2.1"), Port: 22, Class: "vulnerable", Type: "x"}
	b := a
	b.Line, b.Severity = 9, "high"
	c := a
	c.Port = 23
	if a.Fingerprint() != b.Fingerprint() || a.Fingerprint() == c.Fingerprint() {
		t.Fatal("fingerprint should name the finding, not the row")
	}
}
