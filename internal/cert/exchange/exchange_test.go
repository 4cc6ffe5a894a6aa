package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
)

func TestUUID5MatchesRFC(t *testing.T) {
	dns := mustUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	if got := uuid5(dns, "python.org"); got != "886313e1-3b8a-5372-9b90-0c9aee199e5d" {
		t.Fatal(got)
	}
}

func sample(clearance tlp.Level) *Incident {
	return &Incident{TrackingCode: "ABCD-1234", Reported: time.Date(2026, 4, 4, 6, 30, 0, 0, time.UTC),
		Label: tlp.Amber, Class: "malicious-code", Type: "c2-server", Severity: "high", Clearance: clearance,
		Indicators: []incident.Indicator{
			{Type: incident.IP, Value: "1.2.3.4"},
			{Type: incident.IP, Value: "2001:db8::1"},
			{Type: incident.Domain, Value: "evil.ir", TLP: tlp.Green}, // the incident's AMBER wins
			{Type: incident.URL, Value: "http://evil.ir/a'b"},
			{Type: incident.Email, Value: "x@evil.ir"},
			{Type: incident.MD5, Value: strings.Repeat("a", 32)},
			{Type: incident.SHA1, Value: strings.Repeat("b", 40), TLP: tlp.AmberStrict},
			{Type: incident.SHA256, Value: strings.Repeat("c", 64), TLP: tlp.Red},
		}}
}

// TestSTIXBundleParsesBackWithTLPMarkings: issue 15, exchange — indicator and
// observed-data objects with STIX patterns and the official TLP 2.0 markings;
// nothing above the caller's clearance.
func TestSTIXBundleParsesBackWithTLPMarkings(t *testing.T) {
	var buf bytes.Buffer
	if err := STIX(&buf, sample(tlp.AmberStrict)); err != nil {
		t.Fatal(err)
	}
	var b struct {
		Type    string           `json:"type"`
		ID      string           `json:"id"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if b.Type != "bundle" || !strings.HasPrefix(b.ID, "bundle--") {
		t.Fatalf("bundle %s %s", b.Type, b.ID)
	}
	byType := map[string][]map[string]any{}
	ids := map[string]bool{}
	for _, o := range b.Objects {
		typ := o["type"].(string)
		byType[typ] = append(byType[typ], o)
		ids[o["id"].(string)] = true
		if !strings.HasPrefix(o["id"].(string), typ+"--") {
			t.Errorf("id %v of type %s", o["id"], typ)
		}
	}
	if len(byType["indicator"]) != 7 {
		t.Fatalf("%d indicators (RED must be left out)", len(byType["indicator"]))
	}
	patterns := map[string]bool{}
	for _, o := range byType["indicator"] {
		patterns[o["pattern"].(string)] = true
		if o["pattern_type"] != "stix" || o["spec_version"] != "2.1" || o["valid_from"] == nil {
			t.Errorf("indicator %v", o)
		}
		for _, ref := range o["object_marking_refs"].([]any) {
			if !ids[ref.(string)] {
				t.Errorf("marking %v not in the bundle", ref)
			}
		}
	}
	for _, p := range []string{"[ipv4-addr:value = '1.2.3.4']", "[ipv6-addr:value = '2001:db8::1']",
		"[domain-name:value = 'evil.ir']", `[url:value = 'http://evil.ir/a\'b']`, "[email-addr:value = 'x@evil.ir']",
		"[file:hashes.MD5 = '" + strings.Repeat("a", 32) + "']", "[file:hashes.'SHA-1' = '" + strings.Repeat("b", 40) + "']"} {
		if !patterns[p] {
			t.Errorf("no pattern %s in %v", p, patterns)
		}
	}
	if len(byType["observed-data"]) != 2 {
		t.Fatalf("observed-data per label: %d", len(byType["observed-data"]))
	}
	for _, od := range byType["observed-data"] {
		for _, ref := range od["object_refs"].([]any) {
			if !ids[ref.(string)] {
				t.Errorf("observed-data refers to %v, not in the bundle", ref)
			}
		}
	}
	marks := map[string]string{}
	for _, m := range byType["marking-definition"] {
		marks[m["name"].(string)] = m["id"].(string)
		ext := m["extensions"].(map[string]any)[tlpExtension].(map[string]any)
		if ext["tlp_2_0"] == nil {
			t.Errorf("marking without tlp_2_0: %v", m)
		}
	}
	if marks["TLP:AMBER"] != "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" ||
		marks["TLP:AMBER+STRICT"] != "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003" || marks["TLP:RED"] != "" {
		t.Fatalf("markings %v", marks)
	}
	if strings.Contains(buf.String(), strings.Repeat("c", 64)) {
		t.Fatal("a RED indicator left the desk")
	}
	// The same export twice gives the same IDs, so a receiver updates rather than duplicates.
	var again bytes.Buffer
	_ = STIX(&again, sample(tlp.AmberStrict))
	if again.String() != buf.String() {
		t.Fatal("export not deterministic")
	}
}

func TestMISPEventParsesBack(t *testing.T) {
	var buf bytes.Buffer
	if err := MISP(&buf, sample(tlp.Amber)); err != nil {
		t.Fatal(err)
	}
	var ev MISPEvent
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatal(err)
	}
	e := ev.Event
	if e.Distribution != "0" || e.ThreatLevelID != "1" || e.Date != "2026-04-04" || len(e.Tag) != 2 || e.Tag[0].Name != "tlp:amber" {
		t.Fatalf("event %+v", e)
	}
	got := map[string]string{}
	for _, a := range e.Attribute {
		got[a.Type] = a.Value
		if len(a.Tag) != 1 || !strings.HasPrefix(a.Tag[0].Name, "tlp:") || !a.ToIDS || a.Category == "" {
			t.Errorf("attribute %+v", a)
		}
	}
	want := map[string]string{"ip-dst": "2001:db8::1", "domain": "evil.ir", "url": "http://evil.ir/a'b",
		"email-src": "x@evil.ir", "md5": strings.Repeat("a", 32)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("attributes %v, want %v (AMBER+STRICT and RED above an AMBER clearance)", got, want)
	}
	if Distribution(tlp.Clear) != "3" || Distribution(tlp.Green) != "1" || MISPTLPTag(tlp.AmberStrict) != "tlp:amber+strict" {
		t.Fatal("mapping")
	}
}
