package triage

import (
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
)

func TestTaxonomyHasElevenClasses(t *testing.T) {
	if n := len(Taxonomy()); n != 11 {
		t.Fatalf("%d classes", n)
	}
}

func TestParseClassTypeAcceptsCommonSpellings(t *testing.T) {
	good := []struct{ class, typ, wantC, wantT string }{
		{"abusive-content", "spam", "abusive-content", "spam"},
		{"Malicious_Code", "Infected System", "malicious-code", "infected-system"},
		{"malware", "C2", "malicious-code", "c2-server"},
		{"INTRUSIONS", "system_compromise", "intrusions", "system-compromise"},
		{"information content security", "unauthorized-information-access", "information-content-security", "unauthorised-information-access"},
		{"fraud", "Phishing", "fraud", "phishing"},
		{"vulnerable", "weak crypto", "vulnerable", "weak-crypto"},
		{"availability", "DDoS", "availability", "ddos"},
		{"other", "unknown", "other", "undetermined"},
		{"Test", "test", "test", "test"},
	}
	for _, tt := range good {
		c, ty, cok, tok := ParseClassType(tt.class, tt.typ)
		if !cok || !tok || c != tt.wantC || ty != tt.wantT {
			t.Errorf("ParseClassType(%q, %q) = %q %q %v %v", tt.class, tt.typ, c, ty, cok, tok)
		}
	}
	if _, _, cok, _ := ParseClassType("cyber-stuff", "spam"); cok {
		t.Error("unknown class accepted")
	}
	if _, _, cok, tok := ParseClassType("fraud", "spam"); !cok || tok {
		t.Error("a type of another class accepted")
	}
	if _, _, _, tok := ParseClassType("fraud", ""); tok {
		t.Error("an empty type accepted")
	}
}

func TestSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"Critical": Critical, " high": High, "بحرانی": Critical, "پایین": Low, "medium": Medium} {
		if got, ok := ParseSeverity(in); !ok || got != want {
			t.Errorf("ParseSeverity(%q) = %v %v", in, got, ok)
		}
	}
	if _, ok := ParseSeverity("urgent"); ok {
		t.Error("unknown severity accepted")
	}
}

func TestTargetsComeFromTheCatalog(t *testing.T) {
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs {
		if s.ID != "cert" {
			continue
		}
		got, err := Targets(s)
		if err != nil {
			t.Fatal(err)
		}
		if got[Critical].Response != 15*time.Minute || got[High].Resolution != 24*time.Hour || got[Low].Resolution != 168*time.Hour {
			t.Fatalf("targets %v", got)
		}
		for i, sev := range Severities()[1:] {
			if got[sev].Resolution < got[Severities()[i]].Resolution {
				t.Errorf("%s resolves faster than %s", sev, Severities()[i])
			}
		}
		broken := *s
		broken.ModuleConfig.Settings = map[string]string{"severity_critical_response": "soon"}
		if _, err := Targets(&broken); err == nil {
			t.Fatal("a broken target accepted")
		}
		return
	}
	t.Fatal("no cert service")
}

// TestQueueOrdersBySeverityThenTimeLeft: issue 15, priority queue.
func TestQueueOrdersBySeverityThenTimeLeft(t *testing.T) {
	now := time.Date(2026, 4, 4, 10, 0, 0, 0, time.UTC)
	q := []QueueEntry{
		{"LOW-SOON", Low, now.Add(time.Minute)},
		{"HIGH-LATE", High, now.Add(5 * time.Hour)},
		{"CRIT", Critical, now.Add(3 * time.Hour)},
		{"HIGH-SOON", High, now.Add(time.Hour)},
		{"NEW", "", now.Add(30 * time.Minute)},
		{"HIGH-NODUE", High, time.Time{}},
	}
	SortQueue(q)
	want := []string{"NEW", "CRIT", "HIGH-SOON", "HIGH-LATE", "HIGH-NODUE", "LOW-SOON"}
	for i, e := range q {
		if e.TrackingCode != want[i] {
			t.Fatalf("order %v, want %v", q, want)
		}
	}
}
