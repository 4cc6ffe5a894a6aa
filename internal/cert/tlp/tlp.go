// Package tlp is the Traffic Light Protocol 2.0 (FIRST, 2022) as the CERT desk
// applies it: the five labels, their order, and who may see an item so labelled.
// Every read of an incident, note, indicator or file asks CanSee before it shows or
// exports anything.
package tlp

import (
	"fmt"
	"strings"
)

// Level is a TLP 2.0 label; the zero Level is not valid. Levels are ordered from
// the widest audience (Clear) to the narrowest (Red).
type Level int

// The TLP 2.0 labels, widest audience first.
const (
	Clear Level = iota + 1
	Green
	Amber
	AmberStrict
	Red
)

// All lists the labels, widest audience first.
func All() []Level { return []Level{Clear, Green, Amber, AmberStrict, Red} }

var names = map[Level]string{Clear: "CLEAR", Green: "GREEN", Amber: "AMBER", AmberStrict: "AMBER+STRICT", Red: "RED"}

// String returns the label as TLP 2.0 writes it, without the "TLP:" prefix.
func (l Level) String() string {
	if s, ok := names[l]; ok {
		return s
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Valid reports whether l is one of the five labels.
func (l Level) Valid() bool { return l >= Clear && l <= Red }

// MarshalText writes the label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED).
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("tlp: marshal invalid level %d", int(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText reads a label with Parse.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// ErrUnknown is returned by Parse for anything that is not a TLP 2.0 label.
var ErrUnknown = fmt.Errorf("tlp: not a TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)")

// Parse reads a TLP 2.0 label, case-insensitively and with or without the "TLP:"
// prefix ("tlp:amber+strict", "Red"). TLP 1.0's WHITE and anything else are refused:
// a label that is not understood must never be guessed into a wider one.
func Parse(s string) (Level, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "TLP:")
	for l, n := range names {
		if t == n {
			return l, nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrUnknown, s)
}

// Max returns the more restrictive of two labels.
func Max(a, b Level) Level {
	if a > b {
		return a
	}
	return b
}

// Viewer is who asks to see an item, as the desk knows them.
type Viewer struct {
	// AccountID is the viewer's account; 0 for nobody signed in.
	AccountID int64
	// OrgID is the organisation the viewer acts for; 0 for none.
	OrgID int64
	// CERT reports whether the viewer is the CERT's own staff with need-to-know on
	// the incident (assigned, on duty or supervisor), decided before TLP is asked.
	CERT bool
	// Constituent reports whether the viewer belongs to the CERT's constituency
	// (any signed-in organisation or person the desk serves).
	Constituent bool
}

// Item is what is labelled: the label, the organisation that reported it, and the
// recipients its source named.
type Item struct {
	Level Level
	// ReporterOrgID is the organisation that reported the incident (0: a person).
	ReporterOrgID int64
	// ReporterAccountID is the account that reported it.
	ReporterAccountID int64
	// Recipients are accounts named to receive a RED item, or named by the
	// organisation or the CERT to share an AMBER item with.
	Recipients []int64
}

// CanSee decides whether v may see item, by the TLP 2.0 definitions:
//   - RED: named recipients only (the reporter who wrote it counts as named).
//   - AMBER+STRICT: inside the reporting organisation, and the CERT handling it.
//   - AMBER: the reporting organisation, the CERT, and those either names.
//   - GREEN: the community — any constituent or CERT staff, never the public.
//   - CLEAR: anyone.
//
// An invalid label is treated as RED: an unreadable label never widens an audience.
func CanSee(v Viewer, it Item) bool {
	named := v.AccountID != 0 && (v.AccountID == it.ReporterAccountID || contains(it.Recipients, v.AccountID))
	inOrg := v.OrgID != 0 && v.OrgID == it.ReporterOrgID
	switch it.Level {
	case Clear:
		return true
	case Green:
		return v.CERT || v.Constituent || named || inOrg
	case Amber:
		return v.CERT || inOrg || named
	case AmberStrict:
		return v.CERT || inOrg || (v.AccountID != 0 && v.AccountID == it.ReporterAccountID)
	default:
		return named
	}
}

// Clearance is the widest label v may see on items of the given reporter without
// being named: it bounds exports ("nothing above the caller's clearance").
func Clearance(v Viewer, reporterOrgID, reporterAccountID int64) Level {
	out := Level(0)
	for _, l := range All() {
		if CanSee(v, Item{Level: l, ReporterOrgID: reporterOrgID, ReporterAccountID: reporterAccountID}) {
			out = l
		}
	}
	return out
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
