package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// Invoicer issues the invoice a payment step waits for (catalog `payment:` on a
// state, §6), in the transaction of the step that entered the state; billing's
// CaseInvoicer is the one the desk uses. A nil Invoicer issues nothing: staff or a
// module then issue the invoice themselves.
type Invoicer interface {
	InvoiceStep(ctx context.Context, tx *store.Tx, c *Case, svc *catalog.Service, pay *catalog.StatePayment) error
}

// invoiceStep asks the Invoicer for the invoice of a state that waits for payment.
func (e *Engine) invoiceStep(ctx context.Context, tx *store.Tx, c *Case, svc *catalog.Service, to *catalog.State) error {
	if e.Invoicer == nil || to.Payment == nil {
		return nil
	}
	if err := e.Invoicer.InvoiceStep(ctx, tx, c, svc, to.Payment); err != nil {
		return fmt.Errorf("cases: %s: invoice: %w", c.TrackingCode, err)
	}
	return nil
}

// PaymentReceived takes, inside the caller's transaction, the transition a payment
// step names (`payment.on_paid`) for the case's applicant, on the authority of the
// paid invoice (authority names it, e.g. "invoice:1405-000042", and the audit entry
// records it). The step was the applicant's — the SLA clock was paused (C-4.1,
// SLA-CLOCK rule 1) — and the transition hands the case back, so the clock resumes
// from the payment's instant. A case no longer waiting for a payment is left as it
// is (moved reports false): the payment still stands, and staff see it on the case.
func (e *Engine) PaymentReceived(ctx context.Context, tx *store.Tx, code, authority string) (moved bool, err error) {
	if strings.TrimSpace(authority) == "" {
		return false, fmt.Errorf("cases: payment for %s must name its invoice", code)
	}
	c, err := lookup(ctx, tx, code)
	if err != nil {
		return false, err
	}
	svc, k, err := e.process(ctx, c)
	if err != nil {
		return false, err
	}
	from, ok := k.State(c.State)
	if !ok || from.Payment == nil {
		return false, nil
	}
	t, ok := k.Transition(from.Payment.OnPaid)
	if !ok || t.From != from.ID {
		return false, fmt.Errorf("cases: %s: payment step %s names no transition out of it", code, from.ID)
	}
	to, ok := k.State(t.To)
	if !ok {
		return false, fmt.Errorf("cases: %s: transition %s leads to unknown state %s", code, t.ID, t.To)
	}
	p, err := identity.LoadPrincipal(ctx, tx, c.ApplicantAccountID, 0)
	if err != nil {
		return false, fmt.Errorf("cases: %s: payer: %w", code, err)
	}
	if p.Kind == identity.KindPerson {
		p.ActingOrgID = c.ApplicantOrgID
	}
	in := TransitionInput{Transition: t.ID}
	ev := Event{At: tx.Now, FromState: c.State, ToState: to.ID, Holder: to.Holder, Pause: to.Pause,
		Transition: t.ID, ActorAccountID: c.ApplicantAccountID, ActorRole: t.Role}
	if err := e.move(ctx, tx, c, k, to, ev); err != nil {
		return false, err
	}
	mod := e.module(svc)
	if mod != nil {
		if err := mod.AfterTransition(ctx, tx, c, svc, t, in, p); err != nil {
			return false, err
		}
	}
	if err := e.invoiceStep(ctx, tx, c, svc, to); err != nil {
		return false, err
	}
	if err := e.notifyStep(ctx, tx, stepNotice{c: c, svc: svc, k: k, from: from, to: to, t: t, in: in}); err != nil {
		return false, err
	}
	return true, audit.Record(ctx, tx, "system:billing", "case.transition", "case", c.TrackingCode, map[string]any{
		"transition": t.ID, "from": ev.FromState, "to": ev.ToState, "role": t.Role, "authority": authority})
}

// awaitsPayment reports whether t is the transition a payment step takes when the
// case's invoice is paid: only the payment takes it (PaymentReceived), never a
// person, so that no one can leave the step without paying.
func awaitsPayment(k *catalog.CaseKind, c *Case, t *catalog.Transition) bool {
	st, ok := k.State(c.State)
	return ok && st.Payment != nil && st.Payment.OnPaid == t.ID
}
