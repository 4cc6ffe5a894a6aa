// Package consent is the organisation's approval of the CERT's access to its
// systems for a technical assessment (SLA ): an authorised member grants
// access with a scope (systems and kind of access), a period and a purpose; it
// may be revoked at any time and expires by itself; every access a responder
// records refers to a consent live at that moment and within its scope, or is
// refused. Consents are part of the case (D-1) and printable.
package consent

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/printlink"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// The kinds of access an organisation may grant.
const (
	AccessRemote          = "remote"
	AccessOnSite          = "on_site"
	AccessReadOnly        = "read_only"
	AccessForensicImaging = "forensic_imaging"
)

// Accesses lists the kinds of access in the order forms offer them.
var Accesses = []string{AccessRemote, AccessOnSite, AccessReadOnly, AccessForensicImaging}

// MaxPeriod is the longest period one consent may cover.
const MaxPeriod = 90 * 24 * time.Hour

// Service is the consent use cases; each checks p, owns its transaction and
// writes its audit entry.
type Service struct {
	DB *store.DB
	// Cases is the case engine; reads go through it, so its policy and the cert
	// module's need-to-know gate apply.
	Cases *cases.Engine
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Renderer prints the consent record from its print page at SelfURL; nil
	// leaves the PDF unavailable (the print page still works in any browser).
	Renderer Renderer
	SelfURL  func() string

	links printlink.Signer
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Consent is one grant of access.
type Consent struct {
	ID           int64
	CaseID       int64
	CaseCode     string
	OrgID        int64
	GrantedBy    int64
	GrantedAt    time.Time
	Access       string
	Systems      []string
	Purpose      string
	ValidFrom    time.Time
	ValidUntil   time.Time
	RevokedAt    time.Time
	RevokedBy    int64
	RevokeReason string
}

// Status of a consent at a moment.
const (
	StatusPending = "pending" // its period has not begun
	StatusLive    = "live"
	StatusExpired = "expired"
	StatusRevoked = "revoked"
)

// StatusAt is the consent's status at now: revoked, expired, live or pending.
func (c *Consent) StatusAt(now time.Time) string {
	switch {
	case !c.RevokedAt.IsZero() && !now.Before(c.RevokedAt):
		return StatusRevoked
	case !now.Before(c.ValidUntil):
		return StatusExpired
	case now.Before(c.ValidFrom):
		return StatusPending
	}
	return StatusLive
}

// Covers reports whether system is within the consent's scope.
func (c *Consent) Covers(system string) bool {
	for _, s := range c.Systems {
		if s == system {
			return true
		}
	}
	return false
}

// open reads a CERT case as p may see it (NotFound otherwise).
func (s *Service) open(ctx context.Context, p *identity.Principal, code string) (*cases.View, error) {
	return s.Cases.GetOf(ctx, p, code, "cert", "incident", "dispatch")
}

// authorised reports whether p may grant or revoke access for the case's
// organisation: its own account or a member acting for it.
func authorised(p *identity.Principal, v *cases.View) bool {
	return !p.IsStaff() && v.ApplicantOrgID != 0 && p.ApplicantOrgID() == v.ApplicantOrgID
}

// responder reports whether p works the case's service as CERT staff.
func responder(p *identity.Principal, service string) bool {
	return p.IsStaff() && (p.HasRole(service, identity.Responder) || p.HasRole(service, identity.Analyst) ||
		p.HasRole(service, identity.Supervisor))
}

// lockKey serialises the consent steps of one case (PostgreSQL advisory lock).
func lockKey(caseID int64) int64 { return 0x636e7374<<24 ^ caseID }

// Clock is the service's time now, for showing a consent's status.
func (s *Service) Clock() time.Time { return s.now() }
