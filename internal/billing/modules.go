package billing

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// InvoiceTx reads an invoice by number inside the caller's transaction, for a
// module that keeps the number of an invoice it issued (a course seat's, say).
func (s *Service) InvoiceTx(ctx context.Context, tx *store.Tx, number string) (*Invoice, error) {
	return load(ctx, tx, number)
}

// WithdrawTx cancels an unpaid invoice inside the caller's transaction when the
// thing it was issued for is given up (a course seat cancelled by its holder),
// audited as actor's act with the reason. It reports whether it cancelled: a paid
// invoice stays paid (paying it back is a supervisor's Refund) and a closed one
// stays closed.
func (s *Service) WithdrawTx(ctx context.Context, tx *store.Tx, actor, number, reason string) (bool, error) {
	reason = strings.TrimSpace(persian.Normalize(reason))
	if reason == "" {
		return false, problem.Field("reason", "billing.reason.required")
	}
	inv, err := load(ctx, tx, number)
	if err != nil {
		return false, err
	}
	if inv.State != Unpaid {
		return false, nil
	}
	res, err := tx.Exec(ctx, `UPDATE invoices SET state = 'cancelled', closed_at = ?, close_reason = ? WHERE id = ? AND state = 'unpaid'`,
		store.Millis(tx.Now), reason, inv.ID)
	if err != nil {
		return false, fmt.Errorf("billing: withdraw %s: %w", number, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, fmt.Errorf("billing: withdraw %s: %d rows: %w", number, n, err)
	}
	return true, audit.Record(ctx, tx, actor, "invoice.cancelled", "invoice", number,
		map[string]any{"reason": reason, "total": inv.Total, "ref": inv.Ref})
}
