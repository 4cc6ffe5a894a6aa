package billing

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Payment methods.
const (
	MethodBank    = "bank"
	MethodGateway = "gateway"
)

// Payment is money received for an invoice.
type Payment struct {
	Method string `json:"method"`
	// Reference is the bank's or the gateway's reference; each pays once.
	Reference  string    `json:"reference"`
	Amount     int64     `json:"amount"`
	ReceivedAt time.Time `json:"received_at"`
	// RecordedBy is the staff account that recorded a bank payment; 0 for the gateway.
	RecordedBy int64 `json:"-"`
}

func loadPayments(ctx context.Context, tx *store.Tx, invoiceID int64) ([]Payment, error) {
	rows, err := tx.Query(ctx, `SELECT method, reference, amount, received_at, recorded_by FROM payments
		WHERE invoice_id = ? ORDER BY id`, invoiceID)
	if err != nil {
		return nil, fmt.Errorf("billing: payments: %w", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var pm Payment
		var at int64
		if err := rows.Scan(&pm.Method, &pm.Reference, &pm.Amount, &at, &pm.RecordedBy); err != nil {
			return nil, fmt.Errorf("billing: payments: %w", err)
		}
		pm.ReceivedAt = store.FromMillis(at)
		out = append(out, pm)
	}
	return out, rows.Err()
}

// BankPayment is a bank transfer as staff record it.
type BankPayment struct {
	// Reference is the bank's reference (tracking number) of the transfer.
	Reference string `json:"reference"`
	// Amount must equal the invoice's total, in rials.
	Amount int64 `json:"amount"`
}

// RecordBankPayment records that the invoice was paid by bank transfer, on the word
// of the service's expert or supervisor, audited with the bank's reference. A
// reference already recorded, a wrong amount or an invoice not unpaid changes
// nothing and answers with the field at fault.
func (s *Service) RecordBankPayment(ctx context.Context, p *identity.Principal, number string, in BankPayment) (*Invoice, error) {
	in.Reference = persian.ASCIIDigits(strings.TrimSpace(persian.Normalize(in.Reference)))
	var inv *Invoice
	err := s.update(ctx, func(tx *store.Tx) error {
		var err error
		if inv, err = load(ctx, tx, number); err != nil {
			return err
		}
		if err := may(p, authz.Act, inv); err != nil {
			return err
		}
		switch {
		case in.Reference == "" || len(in.Reference) > 64:
			return problem.Field("reference", "billing.reference.required")
		case in.Amount != inv.Total:
			return problem.Field("amount", "billing.amount.mismatch")
		}
		pm := Payment{Method: MethodBank, Reference: in.Reference, Amount: in.Amount, ReceivedAt: tx.Now, RecordedBy: p.ID}
		return s.pay(ctx, tx, audit.AccountActor(p.ID), inv, pm)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// pay records pm against an unpaid invoice, marks it paid, tells the handler of its
// Ref's kind and writes the audit entry, all in tx.
func (s *Service) pay(ctx context.Context, tx *store.Tx, actor string, inv *Invoice, pm Payment) error {
	if inv.State != Unpaid {
		return problem.New(problem.Conflict, "billing.not_unpaid")
	}
	var dup int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM payments WHERE method = ? AND reference = ?`,
		pm.Method, pm.Reference).Scan(&dup); err != nil {
		return fmt.Errorf("billing: pay %s: %w", inv.Number, err)
	}
	if dup > 0 {
		return problem.Field("reference", "billing.reference.used")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO payments (invoice_id, method, reference, amount, received_at, recorded_by)
		VALUES (?, ?, ?, ?, ?, ?)`, inv.ID, pm.Method, pm.Reference, pm.Amount, store.Millis(pm.ReceivedAt), pm.RecordedBy); err != nil {
		return fmt.Errorf("billing: pay %s: %w", inv.Number, err)
	}
	res, err := tx.Exec(ctx, `UPDATE invoices SET state = 'paid', paid_at = ? WHERE id = ? AND state = 'unpaid'`,
		store.Millis(tx.Now), inv.ID)
	if err != nil {
		return fmt.Errorf("billing: pay %s: %w", inv.Number, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &problem.Error{Code: problem.Conflict, Key: "billing.not_unpaid", Err: err}
	}
	inv.State, inv.PaidAt = Paid, tx.Now
	if err := audit.Record(ctx, tx, actor, "invoice.paid", "invoice", inv.Number, map[string]any{
		"method": pm.Method, "reference": pm.Reference, "amount": pm.Amount, "ref": inv.Ref}); err != nil {
		return err
	}
	if h := s.handlers[inv.RefKind()]; h != nil {
		if err := h(ctx, tx, inv); err != nil {
			return fmt.Errorf("billing: pay %s: tell %s: %w", inv.Number, inv.RefKind(), err)
		}
	}
	return nil
}

// Cancel withdraws an unpaid invoice; Refund records that a paid one was paid back.
// Both are a supervisor's decision, need a reason and are audited.
func (s *Service) Cancel(ctx context.Context, p *identity.Principal, number, reason string) (*Invoice, error) {
	return s.close(ctx, p, number, reason, Unpaid, Cancelled)
}

// Refund records that a paid invoice was paid back to the payer.
func (s *Service) Refund(ctx context.Context, p *identity.Principal, number, reason string) (*Invoice, error) {
	return s.close(ctx, p, number, reason, Paid, Refunded)
}

func (s *Service) close(ctx context.Context, p *identity.Principal, number, reason string, from, to State) (*Invoice, error) {
	reason = strings.TrimSpace(persian.Normalize(reason))
	var inv *Invoice
	err := s.update(ctx, func(tx *store.Tx) error {
		var err error
		if inv, err = load(ctx, tx, number); err != nil {
			return err
		}
		if err := may(p, authz.Publish, inv); err != nil {
			return err
		}
		if reason == "" {
			return problem.Field("reason", "billing.reason.required")
		}
		if inv.State != from {
			return problem.New(problem.Conflict, "billing.state.wrong")
		}
		if _, err := tx.Exec(ctx, `UPDATE invoices SET state = ?, closed_at = ?, close_reason = ? WHERE id = ? AND state = ?`,
			string(to), store.Millis(tx.Now), reason, inv.ID, string(from)); err != nil {
			return fmt.Errorf("billing: %s %s: %w", to, number, err)
		}
		inv.State, inv.ClosedAt, inv.CloseReason = to, tx.Now, reason
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "invoice."+string(to), "invoice", number,
			map[string]any{"reason": reason, "total": inv.Total})
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}
