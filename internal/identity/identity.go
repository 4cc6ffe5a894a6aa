// Package identity holds people, organisations, accounts, staff roles per service,
// sessions and API tokens, and the login rules (argon2id, TOTP for staff, lockout).
package identity

import (
	"errors"
	"slices"
)

// Role is a staff role granted per service.
type Role string

// Staff roles. Admin is an account flag, not a per-service role.
const (
	Expert     Role = "expert"
	Supervisor Role = "supervisor"
	Signer     Role = "signer"
	Committee  Role = "committee"
	Editor     Role = "editor"
	Analyst    Role = "analyst"
	Responder  Role = "responder"
)

// Roles lists every per-service staff role.
func Roles() []Role {
	return []Role{Expert, Supervisor, Signer, Committee, Editor, Analyst, Responder}
}

// ValidRole reports whether r is a known staff role.
func ValidRole(r Role) bool { return slices.Contains(Roles(), r) }

// AccountKind says who an account belongs to.
type AccountKind string

// Account kinds: a natural person (logs in with a national code), an organisation
// (logs in with its national ID) and staff (ordinary usernames).
const (
	KindPerson       AccountKind = "person"
	KindOrganization AccountKind = "organization"
	KindStaff        AccountKind = "staff"
)

// AllServices is the service name of a grant that covers every service.
const AllServices = "*"

// Person is a natural person, identified by a 10-digit national code.
type Person struct {
	ID             int64
	NationalCode   string
	NameFa, NameEn string
	Mobile         string
	MobileVerified bool
	Email          string
	Province       string
}

// Organization is a legal person (11-digit national ID) or a government agency.
type Organization struct {
	ID             int64
	NationalID     string
	Kind           string // legal | government
	NameFa, NameEn string
	Email          string
	Province       string
}

// Account is a login.
type Account struct {
	ID          int64
	Username    string
	Kind        AccountKind
	PersonID    int64
	OrgID       int64
	DisplayName string
	Email       string
	TOTPEnabled bool
	Admin       bool
	Lang        string
}

// Principal is who is making a request, with everything authorisation needs.
type Principal struct {
	Account
	// ActingOrgID is the organisation a person acts for in this session (0: themself).
	ActingOrgID int64
	// Grants maps a service (or AllServices) to the staff roles held there.
	Grants map[string][]Role
	// Scopes restricts a personal access token; nil means unrestricted.
	Scopes []string
	// MemberOf lists the organisations the person may act for.
	MemberOf []int64
}

// HasRole reports whether the principal holds role r on service (or on all services).
func (p *Principal) HasRole(service string, r Role) bool {
	if p == nil {
		return false
	}
	return slices.Contains(p.Grants[service], r) || slices.Contains(p.Grants[AllServices], r)
}

// IsStaff reports whether the principal holds any staff role or is an admin.
func (p *Principal) IsStaff() bool {
	if p == nil {
		return false
	}
	return p.Admin || p.Kind == KindStaff || len(p.Grants) > 0
}

// ApplicantOrgID is the organisation this principal applies for: an organisation
// account's own, or the one a member acts for; 0 for a person applying for themself.
func (p *Principal) ApplicantOrgID() int64 {
	if p == nil {
		return 0
	}
	if p.Kind == KindOrganization {
		return p.OrgID
	}
	return p.ActingOrgID
}

// HasScope reports whether a token's scopes allow scope (always true without scopes).
func (p *Principal) HasScope(scope string) bool {
	return p.Scopes == nil || slices.Contains(p.Scopes, scope) || slices.Contains(p.Scopes, "all")
}

// Login failures. Callers show one message for all of them, so that a guesser learns
// nothing about which part was wrong; the distinct errors go to the log.
var (
	ErrBadCredentials  = errors.New("identity: bad credentials")
	ErrLocked          = errors.New("identity: account locked")
	ErrTOTPRequired    = errors.New("identity: second factor required")
	ErrTOTPInvalid     = errors.New("identity: second factor invalid")
	ErrRateLimited     = errors.New("identity: too many attempts")
	ErrTOTPNotEnrolled = errors.New("identity: staff account must enrol a second factor")
)
