package catalog

import (
	"strings"
	"testing"
	"time"
)

// TestValidityOn_S8 reads §8's period on the day it ends, the day after and two
// months before, in Tehran: an ended agreement says so (issue 14, validity).
func TestValidityOn_S8(t *testing.T) {
	teh := time.FixedZone("Tehran", 3*3600+1800)
	s := &Service{Validity: Validity{From: Date{2021, 3, 21}, To: Date{2022, 3, 20}}}
	for _, c := range []struct {
		now         time.Time
		ended, soon bool
		left        int
	}{
		{time.Date(2022, 3, 20, 20, 0, 0, 0, teh), false, true, 0},
		{time.Date(2022, 3, 20, 21, 0, 0, 0, time.UTC), true, false, -1}, // 00:30 on the 21st in Tehran
		{time.Date(2022, 1, 19, 12, 0, 0, 0, teh), false, true, 60},
		{time.Date(2022, 1, 18, 12, 0, 0, 0, teh), false, false, 61},
		{time.Date(2026, 12, 4, 12, 0, 0, 0, teh), true, false, -1720},
	} {
		n := s.ValidityOn(c.now, teh)
		if n.Ended != c.ended || n.Soon != c.soon || n.DaysLeft != c.left {
			t.Errorf("%s: %+v, want ended=%v soon=%v left=%d", c.now, n, c.ended, c.soon, c.left)
		}
	}
	if n := (&Service{}).ValidityOn(time.Now(), teh); n.Ended || n.Soon {
		t.Errorf("no period: %+v", n)
	}
}

// TestProvenanceMarksEveryFigure_14: the shipped files mark every published figure;
// a file that drops one, marks a path that is no figure, or gives an unknown source
// is refused with the path named.
func TestProvenanceMarksEveryFigure_14(t *testing.T) {
	srcs, err := DefaultSources()
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		svc, err := Parse(src.Name, src.Data)
		if err != nil {
			t.Fatalf("%s: %v", src.Name, err)
		}
		if svc.SourceOf("validity.to") != "§8" || !svc.IsExample("fee") || len(svc.Unconfirmed()) != len(svc.FactPaths())-1 {
			t.Errorf("%s: validity.to=%q, unconfirmed %d of %d", src.Name, svc.SourceOf("validity.to"), len(svc.Unconfirmed()), len(svc.FactPaths()))
		}
	}
	base := string(srcs[0].Data)
	for _, c := range []struct{ name, old, new, want string }{
		{"missing", "  fee: example\n", "", "fee is not marked"},
		{"unknown path", "  fee: example\n", "  fee: example\n  fees: owner\n", "provenance.fees: no published value has this path"},
		{"unknown source", "  fee: example\n", "  fee: minister\n", `got "minister"`},
	} {
		if !strings.Contains(base, c.old) {
			t.Fatalf("%s: %q not in %s", c.name, c.old, srcs[0].Name)
		}
		_, err := Parse(srcs[0].Name, []byte(strings.Replace(base, c.old, c.new, 1)))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
