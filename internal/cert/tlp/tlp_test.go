package tlp

import (
	"errors"
	"testing"
)

func TestParseAcceptsTheFiveLabelsOnly(t *testing.T) {
	good := map[string]Level{"CLEAR": Clear, "tlp:clear": Clear, " Green ": Green, "TLP:AMBER": Amber,
		"amber+strict": AmberStrict, "TLP:AMBER+STRICT": AmberStrict, "red": Red}
	for in, want := range good {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "NOT-A-TLP", "WHITE", "TLP:WHITE", "AMBER STRICT", "amber-strict", "REDD", "TLP:"} {
		if _, err := Parse(in); !errors.Is(err, ErrUnknown) {
			t.Errorf("Parse(%q) accepted: %v", in, err)
		}
	}
}

func TestOrderAndText(t *testing.T) {
	for i, l := range All() {
		if i > 0 && !(All()[i-1] < l) {
			t.Fatalf("order broken at %v", l)
		}
		b, err := l.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Level
		if err := back.UnmarshalText(b); err != nil || back != l {
			t.Fatalf("round trip %v: %v %v", l, back, err)
		}
	}
	if Max(Green, AmberStrict) != AmberStrict || Max(Red, Clear) != Red {
		t.Fatal("Max")
	}
	if _, err := Level(0).MarshalText(); err == nil {
		t.Fatal("zero level marshalled")
	}
}

// TestCanSee is the TLP 2.0 audience table (issue 15, need-to-know / TLP 2.0).
func TestCanSee(t *testing.T) {
	const org, other = 10, 20
	reporter := Viewer{AccountID: 1, OrgID: org, Constituent: true}
	colleague := Viewer{AccountID: 2, OrgID: org, Constituent: true}
	cert := Viewer{AccountID: 3, CERT: true}
	named := Viewer{AccountID: 4, OrgID: other, Constituent: true}
	outsider := Viewer{AccountID: 5, OrgID: other, Constituent: true}
	public := Viewer{}
	item := func(l Level) Item {
		return Item{Level: l, ReporterOrgID: org, ReporterAccountID: 1, Recipients: []int64{4}}
	}
	tests := []struct {
		level Level
		who   string
		v     Viewer
		want  bool
	}{
		{Red, "reporter", reporter, true},
		{Red, "colleague in org", colleague, false},
		{Red, "CERT not named", cert, false},
		{Red, "named recipient", named, true},
		{Red, "public", public, false},
		{AmberStrict, "reporter", reporter, true},
		{AmberStrict, "colleague in org", colleague, true},
		{AmberStrict, "CERT", cert, true},
		{AmberStrict, "named outside org", named, false},
		{AmberStrict, "outsider", outsider, false},
		{Amber, "colleague", colleague, true},
		{Amber, "CERT", cert, true},
		{Amber, "named outside org", named, true},
		{Amber, "outsider", outsider, false},
		{Green, "outsider constituent", outsider, true},
		{Green, "public", public, false},
		{Clear, "public", public, true},
		{Level(0), "reporter sees invalid as RED", reporter, true},
		{Level(9), "CERT does not see invalid", cert, false},
	}
	for _, tt := range tests {
		t.Run(tt.level.String()+"/"+tt.who, func(t *testing.T) {
			if got := CanSee(tt.v, item(tt.level)); got != tt.want {
				t.Fatalf("CanSee = %v, want %v", got, tt.want)
			}
		})
	}
	// A named RED recipient needs the CERT to have named them: RED is never for the team at large.
	redForCERT := Item{Level: Red, ReporterOrgID: org, ReporterAccountID: 1, Recipients: []int64{3}}
	if !CanSee(cert, redForCERT) {
		t.Fatal("a named CERT analyst cannot see RED")
	}
	if Clearance(cert, org, 1) != AmberStrict || Clearance(outsider, org, 1) != Green || Clearance(public, org, 1) != Clear || Clearance(reporter, org, 1) != Red {
		t.Fatal("clearance")
	}
}
