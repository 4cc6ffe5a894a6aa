package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

const invoiceColumns = `id, number, year, seq, service, service_version, tariff_item, item_fa, item_en,
	payer_account_id, payer_person_id, payer_org_id, payer_name, ref, net, vat_rate_bp, vat, total, state,
	issued_at, paid_at, closed_at, close_reason`

type scanner interface{ Scan(dest ...any) error }

func scanInvoice(row scanner) (*Invoice, error) {
	var inv Invoice
	var state string
	var issued, paid, closed int64
	err := row.Scan(&inv.ID, &inv.Number, &inv.Year, &inv.Seq, &inv.Service, &inv.ServiceVersion, &inv.TariffItem,
		&inv.ItemName.FA, &inv.ItemName.EN, &inv.PayerAccountID, &inv.PayerPersonID, &inv.PayerOrgID, &inv.PayerName,
		&inv.Ref, &inv.Net, &inv.VATRateBP, &inv.VAT, &inv.Total, &state, &issued, &paid, &closed, &inv.CloseReason)
	if err != nil {
		return nil, err
	}
	inv.State = State(state)
	inv.IssuedAt, inv.PaidAt, inv.ClosedAt = store.FromMillis(issued), store.FromMillis(paid), store.FromMillis(closed)
	return &inv, nil
}

// load reads an invoice by number inside tx; an unknown number is NotFound.
func load(ctx context.Context, tx *store.Tx, number string) (*Invoice, error) {
	inv, err := scanInvoice(tx.QueryRow(ctx, "SELECT "+invoiceColumns+" FROM invoices WHERE number = ?", number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.New(problem.NotFound, "billing.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("billing: invoice %s: %w", number, err)
	}
	return inv, nil
}

// may asks the policy, answering NotFound to someone who may not even see the
// invoice, so numbers cannot be probed.
func may(p *identity.Principal, v authz.Verb, inv *Invoice) error {
	if authz.Decide(p, v, inv.resource()) {
		return nil
	}
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !authz.Decide(p, authz.View, inv.resource()) {
		return problem.New(problem.NotFound, "billing.not_found")
	}
	return problem.New(problem.Forbidden, "billing.forbidden")
}

// Invoice returns the invoice with the given number to its payer and to the
// service's staff.
func (s *Service) Invoice(ctx context.Context, p *identity.Principal, number string) (*Invoice, error) {
	var inv *Invoice
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		if inv, err = load(ctx, tx, number); err != nil {
			return err
		}
		return may(p, authz.View, inv)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Payments returns the payments recorded for an invoice, to whoever may see it.
func (s *Service) Payments(ctx context.Context, p *identity.Principal, number string) ([]Payment, error) {
	var out []Payment
	err := s.view(ctx, func(tx *store.Tx) error {
		inv, err := load(ctx, tx, number)
		if err != nil {
			return err
		}
		if err := may(p, authz.View, inv); err != nil {
			return err
		}
		out, err = loadPayments(ctx, tx, inv.ID)
		return err
	})
	return out, err
}

// Mine lists the invoices p pays: their own, or their organisation's while they
// act for it; newest first.
func (s *Service) Mine(ctx context.Context, p *identity.Principal) ([]Invoice, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	q, arg := "payer_org_id = ?", p.ApplicantOrgID()
	if arg == 0 {
		q, arg = "payer_org_id = 0 AND payer_person_id = ? AND payer_person_id <> 0", p.PersonID
	}
	var out []Invoice
	err := s.view(ctx, func(tx *store.Tx) error {
		var err error
		out, err = list(ctx, tx, "WHERE "+q+" ORDER BY issued_at DESC, id DESC LIMIT 200", arg)
		return err
	})
	return out, err
}

// ForRef lists, oldest first, the invoices issued for a ref (e.g. RefCase(code))
// that p may see.
func (s *Service) ForRef(ctx context.Context, p *identity.Principal, ref string) ([]Invoice, error) {
	var out []Invoice
	err := s.view(ctx, func(tx *store.Tx) error {
		all, err := list(ctx, tx, "WHERE ref = ? ORDER BY id", ref)
		for _, inv := range all {
			if authz.Decide(p, authz.View, inv.resource()) {
				out = append(out, inv)
			}
		}
		return err
	})
	return out, err
}

func list(ctx context.Context, tx *store.Tx, where string, args ...any) ([]Invoice, error) {
	rows, err := tx.Query(ctx, "SELECT "+invoiceColumns+" FROM invoices "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("billing: list: %w", err)
	}
	defer rows.Close()
	var out []Invoice
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return nil, fmt.Errorf("billing: list: %w", err)
		}
		out = append(out, *inv)
	}
	return out, rows.Err()
}
