// Package report is the CERT's technical report of an incident (D-3): analysts
// write it in Markdown with attachments, a second person reviews it (four eyes:
// its author cannot approve it), and it is delivered to the applicant privately
// as a PDF printed by chromium and a JSON signed with the desk's key ring,
// verifiable offline like a certificate (`miz verify`). A reviewer's redaction
// makes a public-warning draft for the proactive line; the original stays
// private forever (D-1): no public page or export reads this package.
package report

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/printlink"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
)

// Renderer prints a page of the running server to PDF (internal/pdf.Chrome).
type Renderer interface {
	RenderPDF(ctx context.Context, pageURL string) ([]byte, error)
}

// Service is the report use cases; each checks p, owns its transaction and
// writes its audit entry.
type Service struct {
	DB *store.DB
	// Cases is the case engine; reads go through it, so its policy and the cert
	// module's need-to-know gate apply.
	Cases *cases.Engine
	// Keys signs delivered reports (the registry's ring, published as JWKS).
	Keys *keys.Ring
	// Renderer prints the PDF from the print page at SelfURL; nil leaves the PDF
	// unavailable (the signed JSON still is).
	Renderer Renderer
	SelfURL  func() string
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	links printlink.Signer
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// open reads a CERT case as p may see it (NotFound otherwise).
func (s *Service) open(ctx context.Context, p *identity.Principal, code string) (*cases.View, error) {
	return s.Cases.GetOf(ctx, p, code, "cert", "incident", "dispatch")
}

// Writer reports whether p writes and reviews reports on the service: its
// analysts, responders and supervisors.
func Writer(p *identity.Principal, service string) bool {
	return p.IsStaff() && (p.HasRole(service, identity.Analyst) || p.HasRole(service, identity.Responder) ||
		p.HasRole(service, identity.Supervisor))
}

// lockKey serialises the report steps of one case (PostgreSQL advisory lock).
func lockKey(caseID int64) int64 { return 0x72707274<<24 ^ caseID }
