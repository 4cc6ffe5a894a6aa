package billing

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestPrintTokenOpensOneInvoiceForTwoMinutes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inv, other := f.issue(t, ""), f.issue(t, "")
		_, err := f.b.PrintToken(ctx, f.other, inv.Number)
		wantProblem(t, err, problem.NotFound, "billing.not_found")
		tok, err := f.b.PrintToken(ctx, f.person, inv.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.b.InvoiceForPrint(ctx, inv.Number, tok); err != nil || got.Number != inv.Number {
			t.Fatalf("print = %+v, %v", got, err)
		}
		_, err = f.b.InvoiceForPrint(ctx, other.Number, tok)
		wantProblem(t, err, problem.NotFound, "billing.not_found")
		_, err = f.b.InvoiceForPrint(ctx, inv.Number, tok+"0")
		wantProblem(t, err, problem.NotFound, "billing.not_found")
		f.clock.Add(3 * time.Minute)
		_, err = f.b.InvoiceForPrint(ctx, inv.Number, tok)
		wantProblem(t, err, problem.NotFound, "billing.not_found")
	})
}
