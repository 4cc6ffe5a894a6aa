package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Item is what a module asks an invoice for: a tariff item of a service, who pays
// it, and what it is for.
type Item struct {
	// Service and Version name the catalog entry; Version 0 is the one in force.
	Service string
	Version int
	// TariffItem is the ID of one of the service's tariffs.
	TariffItem string
	// Amount is the agreed net price in rials, for a tariff with basis
	// "agreement"; it must be 0 for a fixed price, which the catalog sets.
	Amount int64
	// PayerAccountID is the account that pays; PayerOrgID the organisation it pays
	// for (0: the person behind the account pays for themself).
	PayerAccountID int64
	PayerOrgID     int64
	// Ref says what the invoice is for, as "kind:id" (e.g. RefCase(code)); a
	// paid invoice is announced to the OnPaid handler of its kind.
	Ref string
}

// RefCase is the Ref of an invoice for a case.
func RefCase(trackingCode string) string { return "case:" + trackingCode }

// Issue issues an invoice for item in a transaction of its own, audited as the
// system's act (the module that asks has already decided that a fee is due).
func (s *Service) Issue(ctx context.Context, item Item) (*Invoice, error) {
	var inv *Invoice
	err := s.update(ctx, func(tx *store.Tx) error {
		var err error
		inv, err = s.IssueTx(ctx, tx, item)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// IssueTx issues an invoice for item inside the caller's transaction: the price
// comes from the tariff of the service's version, the VAT line from the configured
// rate, and the number from the year's counter row, so a rolled-back caller leaves
// no gap in the numbers.
func (s *Service) IssueTx(ctx context.Context, tx *store.Tx, item Item) (*Invoice, error) {
	svc, err := s.Catalog(ctx, item.Service, item.Version)
	if err != nil {
		return nil, fmt.Errorf("billing: issue: %w", err)
	}
	t, ok := svc.Tariff(item.TariffItem)
	if !ok {
		return nil, problem.Field("tariff_item", "billing.tariff.unknown", item.TariffItem)
	}
	net := t.Amount
	switch {
	case t.Basis == catalog.FeeAgreement && item.Amount <= 0:
		return nil, problem.Field("amount", "billing.amount.required")
	case t.Basis == catalog.FeeAgreement:
		net = item.Amount
	case item.Amount != 0 && item.Amount != t.Amount:
		return nil, problem.Field("amount", "billing.amount.fixed")
	}
	if item.PayerAccountID == 0 {
		return nil, fmt.Errorf("billing: issue %s/%s: no payer", item.Service, item.TariffItem)
	}
	inv := &Invoice{Service: svc.ID, ServiceVersion: svc.Version, TariffItem: t.ID, ItemName: t.Name,
		PayerAccountID: item.PayerAccountID, PayerOrgID: item.PayerOrgID, Ref: strings.TrimSpace(item.Ref),
		Net: net, VATRateBP: s.vatRate(), State: Unpaid, IssuedAt: tx.Now}
	inv.VAT = VATOf(net, inv.VATRateBP)
	inv.Total = inv.Net + inv.VAT
	if err := payer(ctx, tx, inv); err != nil {
		return nil, err
	}
	if err := allocateNumber(ctx, tx, inv); err != nil {
		return nil, err
	}
	inv.ID, err = tx.InsertID(ctx, `INSERT INTO invoices (number, year, seq, service, service_version, tariff_item,
		item_fa, item_en, payer_account_id, payer_person_id, payer_org_id, payer_name, ref, net, vat_rate_bp, vat,
		total, state, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.Number, inv.Year, inv.Seq, inv.Service, inv.ServiceVersion, inv.TariffItem, inv.ItemName.FA, inv.ItemName.EN,
		inv.PayerAccountID, inv.PayerPersonID, inv.PayerOrgID, inv.PayerName, inv.Ref, inv.Net, inv.VATRateBP, inv.VAT,
		inv.Total, string(inv.State), store.Millis(inv.IssuedAt))
	if err != nil {
		return nil, fmt.Errorf("billing: issue %s: %w", inv.Number, err)
	}
	if err := audit.Record(ctx, tx, "system:billing", "invoice.issued", "invoice", inv.Number, map[string]any{
		"service": inv.Service, "item": inv.TariffItem, "total": inv.Total, "ref": inv.Ref}); err != nil {
		return nil, err
	}
	return inv, nil
}

// allocateNumber takes the next number of the Jalali year of issue from the year's
// counter row. The UPDATE locks the row until the transaction ends, so concurrent
// issuers on PostgreSQL queue behind it and each reads the committed value; SQLite
// has one writer. A rollback undoes the increment: no gaps.
func allocateNumber(ctx context.Context, tx *store.Tx, inv *Invoice) error {
	inv.Year = jalali.FromTime(inv.IssuedAt).Year
	if _, err := tx.Exec(ctx, `INSERT INTO invoice_counters (year, last) VALUES (?, 0) ON CONFLICT (year) DO NOTHING`,
		inv.Year); err != nil {
		return fmt.Errorf("billing: number: %w", err)
	}
	if err := tx.QueryRow(ctx, `UPDATE invoice_counters SET last = last + 1 WHERE year = ? RETURNING last`,
		inv.Year).Scan(&inv.Seq); err != nil {
		return fmt.Errorf("billing: number: %w", err)
	}
	inv.Number = FormatNumber(inv.Year, inv.Seq)
	return nil
}

// FormatNumber writes an invoice number: the Jalali year, a dash and the sequence
// in six digits or more.
func FormatNumber(year int, seq int64) string { return fmt.Sprintf("%d-%06d", year, seq) }

// payer fills in the payer's person and the name printed on the invoice: the
// organisation's, or the person's, or the account's display name.
func payer(ctx context.Context, tx *store.Tx, inv *Invoice) error {
	var person sql.NullInt64
	var display string
	err := tx.QueryRow(ctx, `SELECT person_id, display_name FROM accounts WHERE id = ?`, inv.PayerAccountID).Scan(&person, &display)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("billing: payer account %d: %w", inv.PayerAccountID, store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("billing: payer: %w", err)
	}
	inv.PayerName = display
	if inv.PayerOrgID != 0 {
		return tx.QueryRow(ctx, `SELECT name_fa FROM organizations WHERE id = ?`, inv.PayerOrgID).Scan(&inv.PayerName)
	}
	inv.PayerPersonID = person.Int64
	if person.Valid {
		var name string
		if err := tx.QueryRow(ctx, `SELECT name_fa FROM people WHERE id = ?`, person.Int64).Scan(&name); err == nil && name != "" {
			inv.PayerName = name
		}
	}
	return nil
}
