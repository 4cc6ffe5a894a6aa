package billing

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// §6: a module withdraws the unpaid invoice of something given up (a course seat)
// inside its own transaction, audited with the reason; a paid invoice stays paid
// (only a supervisor refunds it) and InvoiceTx reads either back.
func TestModuleWithdrawsAnUnpaidInvoiceButNeverAPaidOne_Section6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		unpaid, paid := f.issue(t, "course:1"), f.issue(t, "course:2")
		if _, err := f.b.RecordBankPayment(ctx, f.expert, paid.Number, BankPayment{Reference: "55", Amount: paid.Total}); err != nil {
			t.Fatal(err)
		}
		withdraw := func(number, reason string) (bool, error) {
			var done bool
			err := db.Update(ctx, func(tx *store.Tx) (err error) {
				done, err = f.b.WithdrawTx(ctx, tx, "system:course", number, reason)
				return err
			})
			return done, err
		}
		if _, err := withdraw(unpaid.Number, "  "); err == nil {
			t.Error("withdrawn without a reason")
		}
		if done, err := withdraw(unpaid.Number, "seat given up"); err != nil || !done {
			t.Fatalf("unpaid: %v, %v", done, err)
		}
		if done, err := withdraw(paid.Number, "seat given up"); err != nil || done {
			t.Fatalf("paid: %v, %v", done, err)
		}
		for number, want := range map[string]State{unpaid.Number: Cancelled, paid.Number: Paid} {
			var inv *Invoice
			if err := db.View(ctx, func(tx *store.Tx) (err error) { inv, err = f.b.InvoiceTx(ctx, tx, number); return err }); err != nil {
				t.Fatal(err)
			}
			if inv.State != want {
				t.Errorf("%s is %s, want %s", number, inv.State, want)
			}
		}
		var n int
		if err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.cancelled' AND actor = 'system:course'
				AND object_id = ?`, unpaid.Number).Scan(&n)
		}); err != nil || n != 1 {
			t.Errorf("%d audit entries, %v", n, err)
		}
	})
}
