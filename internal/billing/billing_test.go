package billing

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func wantProblem(t *testing.T, err error, code problem.Code, key string) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != code || pe.Key != key {
		t.Fatalf("err = %v, want %s %s", err, code, key)
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.View(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(context.Background(), q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInvoiceCarriesTheTariffAndAVATLine_Section6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inv := f.issue(t, "whitehat:1")
		if inv.Net != 250_000_000 || inv.VATRateBP != 1000 || inv.VAT != 25_000_000 || inv.Total != 275_000_000 {
			t.Errorf("amounts = net %d vat %d (%d bp) total %d", inv.Net, inv.VAT, inv.VATRateBP, inv.Total)
		}
		if inv.State != Unpaid || inv.Number != "1405-000001" || inv.ItemName.FA == "" || inv.ServiceVersion != 1 {
			t.Errorf("invoice = %+v", inv)
		}
		// An agreed price needs its amount; a fixed one refuses another.
		_, err := f.b.Issue(context.Background(), Item{Service: "cert", TariffItem: "dispatch", PayerAccountID: f.person.ID})
		wantProblem(t, err, problem.Invalid, "billing.amount.required")
		_, err = f.b.Issue(context.Background(), Item{Service: "cert", TariffItem: "course_fee", Amount: 1, PayerAccountID: f.person.ID})
		wantProblem(t, err, problem.Invalid, "billing.amount.fixed")
		// CERTIFY is free: it has no tariff to invoice.
		_, err = f.b.Issue(context.Background(), Item{Service: "certify", TariffItem: "course_fee", PayerAccountID: f.person.ID})
		wantProblem(t, err, problem.Invalid, "billing.tariff.unknown")
		agreed, err := f.b.Issue(context.Background(), Item{Service: "cert", TariffItem: "dispatch", Amount: 12_345_678, PayerAccountID: f.person.ID})
		if err != nil || agreed.VAT != 1_234_568 || agreed.Total != 13_580_246 {
			t.Errorf("agreed = %+v, %v", agreed, err)
		}
		// A configured rate applies to the next invoice.
		f.b.VATRateBP = 900
		if inv := f.issue(t, ""); inv.VAT != 22_500_000 {
			t.Errorf("VAT at 9%% = %d", inv.VAT)
		}
	})
}

func TestInvoiceNumbersHaveNoGapsPerJalaliYear_Section6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.issue(t, "")
		// A caller whose transaction fails after issuing leaves no gap.
		boom := errors.New("boom")
		err := db.Update(ctx, func(tx *store.Tx) error {
			if _, err := f.b.IssueTx(ctx, tx, Item{Service: "cert", TariffItem: "whitehat_entry", PayerAccountID: f.person.ID}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if inv := f.issue(t, ""); inv.Number != "1405-000002" {
			t.Errorf("after a rollback: %s, want 1405-000002", inv.Number)
		}
		// Concurrent issuers each get their own number, none skipped.
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.b.Issue(ctx, Item{Service: "cert", TariffItem: "whitehat_entry", PayerAccountID: f.person.ID})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for seq := 1; seq <= 22; seq++ {
			if n := count(t, db, "SELECT COUNT(*) FROM invoices WHERE number = ?", FormatNumber(1405, int64(seq))); n != 1 {
				t.Errorf("number %d appears %d times", seq, n)
			}
		}
		// Nowruz 1406 starts a new year at 1.
		f.clock.Set(jalali.Date{Year: 1406, Month: 1, Day: 1}.Time(jalali.Tehran()).Add(10 * time.Hour))
		if inv := f.issue(t, ""); inv.Number != "1406-000001" {
			t.Errorf("first of 1406 = %s", inv.Number)
		}
	})
}

func TestStaffRecordABankPaymentByItsReference_Audited(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inv := f.issue(t, "")
		_, err := f.b.Invoice(ctx, f.other, inv.Number)
		wantProblem(t, err, problem.NotFound, "billing.not_found")
		_, err = f.b.RecordBankPayment(ctx, f.certify, inv.Number, BankPayment{Reference: "123", Amount: inv.Total})
		wantProblem(t, err, problem.NotFound, "billing.not_found")
		_, err = f.b.RecordBankPayment(ctx, f.person, inv.Number, BankPayment{Reference: "123", Amount: inv.Total})
		wantProblem(t, err, problem.Forbidden, "billing.forbidden")
		_, err = f.b.RecordBankPayment(ctx, f.expert, inv.Number, BankPayment{Reference: "۹۸۷۶۵", Amount: inv.Total - 1})
		wantProblem(t, err, problem.Invalid, "billing.amount.mismatch")
		_, err = f.b.RecordBankPayment(ctx, f.expert, inv.Number, BankPayment{Reference: "  ", Amount: inv.Total})
		wantProblem(t, err, problem.Invalid, "billing.reference.required")
		if got, _ := f.b.Invoice(ctx, f.person, inv.Number); got.State != Unpaid {
			t.Fatalf("a refused payment changed the invoice: %s", got.State)
		}
		paid, err := f.b.RecordBankPayment(ctx, f.expert, inv.Number, BankPayment{Reference: "۹۸۷۶۵", Amount: inv.Total})
		if err != nil || paid.State != Paid {
			t.Fatalf("paid = %+v, %v", paid, err)
		}
		pms, err := f.b.Payments(ctx, f.person, inv.Number)
		if err != nil || len(pms) != 1 || pms[0].Reference != "98765" || pms[0].Method != MethodBank {
			t.Errorf("payments = %+v, %v", pms, err)
		}
		// The same bank reference cannot pay another invoice.
		second := f.issue(t, "")
		_, err = f.b.RecordBankPayment(ctx, f.expert, second.Number, BankPayment{Reference: "98765", Amount: second.Total})
		wantProblem(t, err, problem.Invalid, "billing.reference.used")
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.paid' AND object_id = ? AND actor = ?",
			inv.Number, fmt.Sprintf("account:%d", f.expert.ID)); n != 1 {
			t.Errorf("audit entries for the bank payment = %d", n)
		}
		// A refund is a supervisor's, with a reason.
		_, err = f.b.Refund(ctx, f.expert, inv.Number, "duplicate")
		wantProblem(t, err, problem.Forbidden, "billing.forbidden")
		_, err = f.b.Refund(ctx, f.super, inv.Number, " ")
		wantProblem(t, err, problem.Invalid, "billing.reason.required")
		if r, err := f.b.Refund(ctx, f.super, inv.Number, "پرداخت دوباره"); err != nil || r.State != Refunded {
			t.Errorf("refund = %+v, %v", r, err)
		}
		if c, err := f.b.Cancel(ctx, f.super, second.Number, "صادر شده به اشتباه"); err != nil || c.State != Cancelled {
			t.Errorf("cancel = %+v, %v", c, err)
		}
	})
}
