package billing

import (
	"context"
	"fmt"
	"slices"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// RevenueRow is the money received for one service in one Jalali month: invoices
// paid in that month and not refunded since.
type RevenueRow struct {
	Service string `json:"service"`
	Year    int    `json:"year"`
	Month   int    `json:"month"`
	Count   int    `json:"count"`
	Net     int64  `json:"net"`
	VAT     int64  `json:"vat"`
	Total   int64  `json:"total"`
}

// Revenue reports paid revenue per service per Jalali month of payment, newest month
// first, over the services whose revenue p may see (a supervisor or analyst of the
// service, or an admin). year 0 means every year.
func (s *Service) Revenue(ctx context.Context, p *identity.Principal, year int) ([]RevenueRow, error) {
	paid, err := s.exportable(ctx, p, "WHERE state = 'paid' ORDER BY paid_at")
	if err != nil {
		return nil, err
	}
	type key struct {
		service     string
		year, month int
	}
	sums := map[key]*RevenueRow{}
	var keys []key
	for _, inv := range paid {
		d := jalali.FromTime(inv.PaidAt)
		if year != 0 && d.Year != year {
			continue
		}
		k := key{inv.Service, d.Year, d.Month}
		r := sums[k]
		if r == nil {
			r = &RevenueRow{Service: inv.Service, Year: d.Year, Month: d.Month}
			sums[k] = r
			keys = append(keys, k)
		}
		r.Count++
		r.Net += inv.Net
		r.VAT += inv.VAT
		r.Total += inv.Total
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.year != b.year {
			return b.year - a.year
		}
		if a.month != b.month {
			return b.month - a.month
		}
		if a.service < b.service {
			return -1
		}
		if a.service > b.service {
			return 1
		}
		return 0
	})
	out := make([]RevenueRow, len(keys))
	for i, k := range keys {
		out[i] = *sums[k]
	}
	return out, nil
}

// UnpaidInvoices lists the unpaid invoices of the services p may report on, oldest
// first.
func (s *Service) UnpaidInvoices(ctx context.Context, p *identity.Principal) ([]Invoice, error) {
	return s.exportable(ctx, p, "WHERE state = 'unpaid' ORDER BY issued_at, id")
}

// exportable reads the invoices selected by where and keeps those p may report on.
func (s *Service) exportable(ctx context.Context, p *identity.Principal, where string) ([]Invoice, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !p.Admin && !p.IsStaff() {
		return nil, problem.New(problem.Forbidden, "billing.forbidden")
	}
	var out []Invoice
	err := s.view(ctx, func(tx *store.Tx) error {
		all, err := list(ctx, tx, where)
		if err != nil {
			return fmt.Errorf("billing: report: %w", err)
		}
		for _, inv := range all {
			if authz.Decide(p, authz.Export, inv.resource()) {
				out = append(out, inv)
			}
		}
		return nil
	})
	return out, err
}

// MayReport reports whether p may see billing reports of at least one service.
func MayReport(p *identity.Principal, services []string) bool {
	for _, svc := range services {
		if authz.Decide(p, authz.Export, authz.Resource{Kind: authz.Invoice, Service: svc}) {
			return true
		}
	}
	return false
}
