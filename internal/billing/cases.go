package billing

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/store"
)

// RefKindCase is the Ref kind of invoices issued for cases.
const RefKindCase = "case"

// CaseInvoicer is the case engine's Invoicer (cases.Engine.Invoicer): when a case
// enters a state that waits for payment, it issues the invoice for the state's
// tariff item to the case's applicant, in the step's transaction. It issues none
// when the case already has an unpaid invoice (a module issued the fee itself, or
// the case came back to the step) or when the item's price is agreed per case —
// staff issue that one with the agreed amount.
type CaseInvoicer struct{ Billing *Service }

// InvoiceStep satisfies cases.Invoicer.
func (ci CaseInvoicer) InvoiceStep(ctx context.Context, tx *store.Tx, c *cases.Case, svc *catalog.Service, pay *catalog.StatePayment) error {
	t, ok := svc.Tariff(pay.Item)
	if !ok || t.Basis != catalog.FeeFixed {
		return nil
	}
	var open int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM invoices WHERE ref = ? AND state = 'unpaid'`,
		RefCase(c.TrackingCode)).Scan(&open); err != nil {
		return fmt.Errorf("billing: case %s: %w", c.TrackingCode, err)
	}
	if open > 0 {
		return nil
	}
	_, err := ci.Billing.IssueTx(ctx, tx, Item{Service: c.Service, Version: c.ServiceVersion, TariffItem: t.ID,
		PayerAccountID: c.ApplicantAccountID, PayerOrgID: c.ApplicantOrgID, Ref: RefCase(c.TrackingCode)})
	return err
}

// PaymentTaker is the part of the case engine that moves a case on when its
// invoice is paid (cases.Engine satisfies it).
type PaymentTaker interface {
	PaymentReceived(ctx context.Context, tx *store.Tx, code, authority string) (bool, error)
}

// CasePaid returns the OnPaid handler for case invoices: the case leaves its
// payment step in the paying transaction, so its SLA clock resumes (C-4.1).
func CasePaid(engine PaymentTaker) PaidHandler {
	return func(ctx context.Context, tx *store.Tx, inv *Invoice) error {
		_, err := engine.PaymentReceived(ctx, tx, inv.RefID(), "invoice:"+inv.Number)
		return err
	}
}
