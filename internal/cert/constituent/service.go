// Package constituent keeps the CERT's constituents: organisations (identity's
// organisations) with the assets they claim — IPv4/IPv6 prefixes, AS numbers,
// domains covering their subdomains, products — which CERT staff verify before
// any feed is matched against them; the contacts to tell per asset set; and the
// notification rules (channel, language, aggregation interval, classes of finding
// never notified). SLA M-4.3, A-4.6. Each use case checks who may do it, owns its
// transaction and writes its audit entry.
package constituent

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// ServiceCode is the catalog service whose staff roles govern the CERT's proactive
// line: analysts, responders and supervisors of "cert" verify claims.
const ServiceCode = "cert"

// Service is the constituents' use cases.
type Service struct {
	DB *store.DB
	// Now is the clock; nil means time.Now.
	Now func() time.Time
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

// IsCERTStaff reports whether p works the CERT's proactive line: an administrator,
// or staff holding analyst, responder or supervisor on the cert service.
func IsCERTStaff(p *identity.Principal) bool {
	if p == nil || !p.IsStaff() {
		return false
	}
	return p.Admin || p.HasRole(ServiceCode, identity.Analyst) || p.HasRole(ServiceCode, identity.Responder) ||
		p.HasRole(ServiceCode, identity.Supervisor)
}

// CanActFor reports whether p may manage orgID's assets and warnings: the
// organisation's own account, a member acting for it, or CERT staff.
func CanActFor(p *identity.Principal, orgID int64) bool {
	if p == nil || orgID == 0 {
		return false
	}
	return p.ApplicantOrgID() == orgID || IsCERTStaff(p)
}

// orgOf is the organisation p manages when the request names none: its own.
func orgOf(p *identity.Principal, orgID int64) (int64, error) {
	if orgID == 0 {
		orgID = p.ApplicantOrgID()
	}
	if orgID == 0 {
		return 0, problem.New(problem.Forbidden, "constituent.not_org")
	}
	if !CanActFor(p, orgID) {
		return 0, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	return orgID, nil
}
