// Package course runs the CERT's training courses (SLA M-4.2): a catalog of courses
// with their audience, prerequisites, capacity, sessions and fee; announcements to
// the eligible people and organisations when a course opens; enrolment with an
// eligibility check and a waitlist that moves up in the transaction that frees a
// seat; attendance per session; and certificates of attendance signed with the
// desk's keys and logged in its transparency log exactly like CERTIFY's, so that
// `miz verify` checks them the same way.
//
// Fees are billed through Invoicer, a seam cmd/miz wires to the billing package;
// without it only free courses take enrolments.
package course

import (
	"context"
	"log/slog"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

// Service is the CERT desk that courses belong to: staff roles are granted on it.
const Service = "cert"

// Audience says who may enrol in a course.
type Audience string

// The audiences of a course.
const (
	Anyone            Audience = "anyone"             // any person with an account
	GovernmentStaff   Audience = "government_staff"   // people who act for a government agency
	OrganizationStaff Audience = "organization_staff" // people who act for any organisation
)

// Audiences lists every audience, in the order the form shows them.
func Audiences() []Audience { return []Audience{Anyone, GovernmentStaff, OrganizationStaff} }

// State is where a course stands in its catalog.
type State string

// The states of a course: a draft is visible to staff only; an open course takes
// enrolments until its first session; a closed one takes none.
const (
	Draft  State = "draft"
	Open   State = "open"
	Closed State = "closed"
)

// Text is a phrase in Persian and English.
type Text struct {
	FA string `json:"fa"`
	EN string `json:"en,omitempty"`
}

// In returns the text in a language ("en" or "fa"), falling back to Persian.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.FA
}

// Session is one meeting of a course, in a place or at a link.
type Session struct {
	ID     int64     `json:"id"`
	Starts time.Time `json:"starts_at"`
	Ends   time.Time `json:"ends_at"`
	Place  string    `json:"place,omitempty"`
	Link   string    `json:"link,omitempty"`
}

// Prerequisite is a course that must have been completed (a certificate of
// attendance held) before enrolling.
type Prerequisite struct {
	ID    int64 `json:"id"`
	Title Text  `json:"title"`
}

// Course is one course of the catalog.
type Course struct {
	ID       int64    `json:"id"`
	Title    Text     `json:"title"`
	Syllabus Text     `json:"syllabus"`
	Audience Audience `json:"audience"`
	Language string   `json:"language"`
	Capacity int      `json:"capacity"`
	// FeeRials is the fee in rials; 0 is free.
	FeeRials int64 `json:"fee_rials"`
	// CancelHours is how long before the first session an enrolled person may still
	// cancel.
	CancelHours int `json:"cancel_hours"`
	// MinAttendance is the share of sessions, in percent, that earns a certificate.
	MinAttendance int            `json:"min_attendance"`
	State         State          `json:"state"`
	OpenedAt      time.Time      `json:"opened_at,omitzero"`
	Prerequisites []Prerequisite `json:"prerequisites"`
	Sessions      []Session      `json:"sessions"`
	Enrolled      int            `json:"enrolled"`
	Waitlisted    int            `json:"waitlisted"`
	// Announced counts the accounts told when the course opened.
	Announced int       `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// First is the start of the first session, or zero without sessions.
func (c Course) First() time.Time {
	if len(c.Sessions) == 0 {
		return time.Time{}
	}
	return c.Sessions[0].Starts
}

// Last is the end of the last session, or zero without sessions.
func (c Course) Last() time.Time {
	if len(c.Sessions) == 0 {
		return time.Time{}
	}
	return c.Sessions[len(c.Sessions)-1].Ends
}

// CancelBy is the last moment an enrolled person may cancel.
func (c Course) CancelBy() time.Time {
	if f := c.First(); !f.IsZero() {
		return f.Add(-time.Duration(c.CancelHours) * time.Hour)
	}
	return time.Time{}
}

// SeatsLeft is how many seats are free.
func (c Course) SeatsLeft() int { return max(0, c.Capacity-c.Enrolled) }

// Free reports whether the course costs nothing.
func (c Course) Free() bool { return c.FeeRials == 0 }

// Invoice is a fee to bill: a course seat or a competition's entry.
type Invoice struct {
	AccountID int64
	// OrgID is the organisation that pays, when the account pays for it (a
	// white-hat entry): its account and acting members see and pay the invoice.
	OrgID int64
	// Item names what is billed, e.g. "course:12".
	Item          string
	Rials         int64
	DescriptionFa string
	DescriptionEn string
}

// Invoicer bills fees. It is the seam to the billing package, declared here where
// it is used; cmd/miz wires it. Every method runs inside the caller's transaction,
// so a seat and its invoice commit together.
type Invoicer interface {
	// Issue bills the fee and returns the invoice's reference.
	Issue(ctx context.Context, tx *store.Tx, in Invoice) (string, error)
	// Paid reports whether the invoice with this reference is paid.
	Paid(ctx context.Context, tx *store.Tx, ref string) (bool, error)
	// Cancel cancels an unpaid invoice (a seat given up or never granted).
	Cancel(ctx context.Context, tx *store.Tx, ref string) error
}

// FeeChecker is what an Invoicer may also do: say, when a course or a competition is
// created, whether its fee can be billed at all (the catalog's tariff for the kind,
// "course" or "whitehat"), so that the manager learns it on the form instead of
// every enrollee being refused later. The error names the form's field.
type FeeChecker interface {
	CheckFee(ctx context.Context, kind string, rials int64) error
}

// CheckFee asks inv, when it can, whether a fee of rials for kind can be billed.
func CheckFee(ctx context.Context, inv Invoicer, kind string, rials int64) error {
	if fc, ok := inv.(FeeChecker); ok && rials > 0 {
		return fc.CheckFee(ctx, kind, rials)
	}
	return nil
}

// Courses runs the use cases of training courses; each method owns its
// transaction, its permission check and its audit entry.
type Courses struct {
	DB *store.DB
	// Keys sign certificates of attendance and Log publishes them: the same ring
	// and transparency log as CERTIFY's certificates.
	Keys *keys.Ring
	Log  *tlog.Log
	// BaseURL is the desk's public URL, without a trailing slash.
	BaseURL string
	Issuer  certify.Issuer
	// Invoicer bills course fees; nil means only free courses take enrolments.
	Invoicer Invoicer
	// Now is the clock; nil means time.Now (cmd/miz passes the database's).
	Now    func() time.Time
	Logger *slog.Logger
}

func (s *Courses) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.Now, fn)
}

func (s *Courses) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// allowed checks a staff permission on courses and returns the error to show.
func allowed(p *identity.Principal, v authz.Verb) error {
	if authz.Decide(p, v, authz.Resource{Kind: authz.Course, Service: Service}) {
		return nil
	}
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	return problem.New(problem.Forbidden, "course.forbidden")
}

// notFound is the error for a course, session or certificate that does not exist.
func notFound(key string) error {
	return &problem.Error{Code: problem.NotFound, Key: key, Err: store.ErrNotFound}
}
