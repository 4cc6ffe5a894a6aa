package web

import (
	"context"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/identity"
)

// caseInvoices puts the invoices of a case that p may see on the case page, so an
// applicant whose case waits for payment finds the invoice to pay there (§6).
func (s *Server) caseInvoices(ctx context.Context, p *identity.Principal, code string, data map[string]any) {
	if s.Billing == nil {
		return
	}
	invs, err := s.Billing.ForRef(ctx, p, billing.RefCase(code))
	if err != nil {
		s.Log.WarnContext(ctx, "case invoices not shown", "case", code, "err", err)
		return
	}
	data["Invoices"] = invs
}
