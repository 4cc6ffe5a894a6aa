package billing

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestGatewayCallbackPaysOnceAndAReplayChangesNothing_Section6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inv := f.issue(t, "")
		_, err := f.b.StartPayment(ctx, f.other, inv.Number)
		wantProblem(t, err, problem.NotFound, "billing.not_found")
		redirect, err := f.b.StartPayment(ctx, f.person, inv.Number)
		if err != nil {
			t.Fatal(err)
		}
		cb := f.callback(t, redirect, "GW-0001")
		paid, replayed, err := f.b.GatewayCallback(ctx, cb)
		if err != nil || replayed || paid.State != Paid {
			t.Fatalf("callback = %+v, replayed %v, %v", paid, replayed, err)
		}
		f.clock.Add(time.Minute)
		again, replayed, err := f.b.GatewayCallback(ctx, cb)
		if err != nil || !replayed || again.State != Paid || !again.PaidAt.Equal(paid.PaidAt) {
			t.Errorf("replay = %+v, replayed %v, %v", again, replayed, err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM payments"); n != 1 {
			t.Errorf("payments after a replay = %d", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.paid'"); n != 1 {
			t.Errorf("paid audit entries after a replay = %d", n)
		}
		// Paying again with a new gateway reference is refused: the invoice is paid.
		cb2 := f.callback(t, redirect, "GW-0002")
		_, _, err = f.b.GatewayCallback(ctx, cb2)
		wantProblem(t, err, problem.Conflict, "billing.not_unpaid")
	})
}

func TestTamperedGatewayCallbackChangesNothing_Section6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inv := f.issue(t, "")
		redirect, err := f.b.StartPayment(ctx, f.person, inv.Number)
		if err != nil {
			t.Fatal(err)
		}
		honest := f.callback(t, redirect, "GW-7")
		other := f.issue(t, "")
		resign := func(c Callback) Callback { c.Signature = Sign(f.secret, c.Fields()...); return c }
		tests := []struct {
			name string
			cb   Callback
			key  string
		}{
			{"amount changed after signing", func() Callback { c := honest; c.Amount = 1000; return c }(), "billing.gateway.signature"},
			{"invoice changed after signing", func() Callback { c := honest; c.Invoice = other.Number; return c }(), "billing.gateway.signature"},
			{"signed with another key", func() Callback {
				c := honest
				c.Signature = Sign([]byte("not the secret"), c.Fields()...)
				return c
			}(), "billing.gateway.signature"},
			{"no signature", func() Callback { c := honest; c.Signature = ""; return c }(), "billing.gateway.signature"},
			{"signed, but less than the total", resign(func() Callback { c := honest; c.Amount--; return c }()), "billing.gateway.mismatch"},
			{"signed, but the token is for another invoice", resign(func() Callback { c := honest; c.Invoice = other.Number; return c }()), "billing.gateway.mismatch"},
			{"signed, but a token Miz never issued", resign(func() Callback { c := honest; c.Token = "forged"; return c }()), "billing.gateway.mismatch"},
			{"signed, but the payment failed", resign(func() Callback { c := honest; c.Status = "failed"; return c }()), "billing.gateway.failed"},
		}
		for _, tt := range tests {
			_, _, err := f.b.GatewayCallback(ctx, tt.cb)
			wantProblem(t, err, problem.Invalid, tt.key)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM payments"); n != 0 {
			t.Errorf("tampered callbacks recorded %d payments", n)
		}
		for _, number := range []string{inv.Number, other.Number} {
			if got, _ := f.b.Invoice(ctx, f.person, number); got.State != Unpaid {
				t.Errorf("%s is %s after tampered callbacks", number, got.State)
			}
		}
	})
}

// SLA C-4.1: the payment step is the applicant's; the clock stands still until the
// gateway's callback, and the case goes back to work in the paying transaction.
func TestPaidCertCasePausesWhileUnpaidAndResumesOnTheCallback_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.courseAwaitingPayment(t)
		if c.State != "awaiting_payment" || c.Holder != catalog.HolderApplicant {
			t.Fatalf("after accept: %s held by %s", c.State, c.Holder)
		}
		invs, err := f.b.ForRef(ctx, f.person, RefCase(c.TrackingCode))
		if err != nil || len(invs) != 1 || invs[0].TariffItem != "course_fee" || invs[0].Total != 49_500_000 {
			t.Fatalf("invoices of the case = %+v, %v", invs, err)
		}
		before, err := f.e.Get(ctx, f.person, c.TrackingCode)
		if err != nil || !before.Clock.Paused || before.Clock.PauseReason != catalog.PausePayment {
			t.Fatalf("clock while unpaid = %+v, %v", before.Clock, err)
		}
		f.clock.Add(72 * time.Hour) // the applicant takes three days to pay
		unpaid, _ := f.e.Get(ctx, f.person, c.TrackingCode)
		if unpaid.Clock.UsedSeconds != before.Clock.UsedSeconds {
			t.Errorf("the clock ran while unpaid: %d → %d", before.Clock.UsedSeconds, unpaid.Clock.UsedSeconds)
		}
		redirect, err := f.b.StartPayment(ctx, f.person, invs[0].Number)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.b.GatewayCallback(ctx, f.callback(t, redirect, "GW-C41")); err != nil {
			t.Fatal(err)
		}
		after, err := f.e.Get(ctx, f.person, c.TrackingCode)
		if err != nil || after.State != "payment_check" || after.Holder != catalog.HolderOrganization || after.Clock.Paused {
			t.Fatalf("after the callback: %s held by %s, clock %+v, %v", after.State, after.Holder, after.Clock, err)
		}
		f.clock.Add(time.Hour) // Wednesday 10:00 → 11:00, a working hour
		running, _ := f.e.Get(ctx, f.person, c.TrackingCode)
		if running.Clock.UsedSeconds <= after.Clock.UsedSeconds {
			t.Errorf("the clock did not resume: %d → %d", after.Clock.UsedSeconds, running.Clock.UsedSeconds)
		}
		hist, err := f.e.History(ctx, f.person, c.TrackingCode)
		if err != nil || hist[len(hist)-1].Transition != "pay" || hist[len(hist)-1].ActorAccountID != f.person.ID {
			t.Errorf("history ends %+v, %v", hist[len(hist)-1], err)
		}
		// A replayed callback does not move the case again.
		if _, replayed, err := f.b.GatewayCallback(ctx, f.callback(t, redirect, "GW-C41")); err != nil || !replayed {
			t.Errorf("replay: %v %v", replayed, err)
		}
		if again, _ := f.e.History(ctx, f.person, c.TrackingCode); len(again) != len(hist) {
			t.Errorf("a replay added history: %d → %d", len(hist), len(again))
		}
		// A bank payment recorded by staff resumes a case the same way.
		c2 := f.courseAwaitingPayment(t)
		inv2, _ := f.b.ForRef(ctx, f.person, RefCase(c2.TrackingCode))
		if _, err := f.b.RecordBankPayment(ctx, f.expert, inv2[0].Number, BankPayment{Reference: "BANK-1", Amount: inv2[0].Total}); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.e.Get(ctx, f.person, c2.TrackingCode); v.State != "payment_check" {
			t.Errorf("after a bank payment: %s", v.State)
		}
	})
}
