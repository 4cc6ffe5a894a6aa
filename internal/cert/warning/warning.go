// Package warning holds the CERT's direct warnings (SLA M-4.3, A-4.6): a finding
// from a threat feed, matched to the constituent that owns the asset, with its
// evidence, remediation and two clocks — the CERT's (time from the finding's
// arrival to the constituent being told) and the constituent's (time to remediate,
// by severity). The constituent acknowledges and claims "fixed"; a later import of
// the same feed without the finding, or staff verification, closes it; a warning
// left alone escalates: a reminder, then the supervisor, then the head of the
// organisation. It also keeps which advisories a constituent applied.
package warning

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/store"
)

// States of a warning.
const (
	Open         = "open"
	Acknowledged = "acknowledged"
	FixedClaimed = "fixed_claimed"
	Closed       = "closed"
	// Suppressed is a finding of a class the constituent asked never to be told
	// of: kept and closed by re-checks like the others, never notified.
	Suppressed = "suppressed"
)

// Closures say what closed a warning.
const (
	ClosedByRecheck = "recheck"
	ClosedByStaff   = "staff_verified"
)

// Targets are the clocks of one severity.
type Targets struct {
	// Notify is the CERT's target from a finding's arrival to the notice (M-4.3).
	Notify time.Duration
	// Ack is how long a constituent has to acknowledge before each escalation step.
	Ack time.Duration
	// Remediate is the constituent's deadline from the notice.
	Remediate time.Duration
}

// TargetsFor returns the clocks of a severity. The SLA sets no figures for direct
// warnings; these are Miz's defaults, on the CERT's 24×7 clock, in line with the
// incident desk's response targets.
func TargetsFor(severity string) Targets {
	switch severity {
	case "critical":
		return Targets{Notify: time.Hour, Ack: 4 * time.Hour, Remediate: 24 * time.Hour}
	case "high":
		return Targets{Notify: 4 * time.Hour, Ack: 24 * time.Hour, Remediate: 3 * 24 * time.Hour}
	case "medium":
		return Targets{Notify: 24 * time.Hour, Ack: 3 * 24 * time.Hour, Remediate: 14 * 24 * time.Hour}
	default:
		return Targets{Notify: 3 * 24 * time.Hour, Ack: 7 * 24 * time.Hour, Remediate: 30 * 24 * time.Hour}
	}
}

// Service is the warnings' use cases.
type Service struct {
	DB *store.DB
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// BaseURL makes e-mail links absolute; nil or "" sends none.
	BaseURL func() string
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.now, fn)
}

// Warning is one warning as its pages show it.
type Warning struct {
	ID           int64
	OrgID        int64
	OrgNameFa    string
	OrgNameEn    string
	AssetID      int64
	MatchedBy    string
	Feed         string
	Class, Type  string
	Severity     string
	Tag          string
	IP           string
	Port         int
	ASN          int64
	Host         string
	ObservedAt   time.Time
	FoundAt      time.Time
	LastSeenAt   time.Time
	SeenCount    int64
	State        string
	NotifyDue    time.Time
	NotifiedAt   time.Time
	RemediateDue time.Time
	AckedAt      time.Time
	FixedAt      time.Time
	FixedNote    string
	ClosedAt     time.Time
	Closure      string
	Escalation   int
	FirstImport  int64
	LastImport   int64
}

// Live reports whether the warning still asks something of the constituent.
func (w *Warning) Live() bool { return w.State != Closed && w.State != Suppressed }

// NotifyLate reports whether the CERT told the constituent after its target (or,
// not told yet, is already past it at now).
func (w *Warning) NotifyLate(now time.Time) bool {
	if w.NotifiedAt.IsZero() {
		return w.Live() && now.After(w.NotifyDue)
	}
	return w.NotifiedAt.After(w.NotifyDue)
}

// NotifyTook is the CERT's clock: from arrival to the notice, or to now while
// untold.
func (w *Warning) NotifyTook(now time.Time) time.Duration {
	if w.NotifiedAt.IsZero() {
		return now.Sub(w.FoundAt)
	}
	return w.NotifiedAt.Sub(w.FoundAt)
}

// RemediateLate reports whether the constituent's deadline passed before it
// claimed a fix (or, not yet claimed, before now).
func (w *Warning) RemediateLate(now time.Time) bool {
	end := w.FixedAt
	if end.IsZero() {
		end = w.ClosedAt
	}
	if end.IsZero() {
		if !w.Live() {
			return false
		}
		end = now
	}
	return end.After(w.RemediateDue)
}
