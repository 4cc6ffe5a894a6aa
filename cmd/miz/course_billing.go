package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// refKindCourse and refKindWhiteHat are the Ref kinds of invoices for a course
// seat ("course:12") and a white-hat competition's entry ("whitehat:3").
const (
	refKindCourse   = "course"
	refKindWhiteHat = "whitehat"
)

// courseInvoicer is course.Invoicer (and the white-hat programme's) over billing
// (§6): a seat or an entry is an invoice of the CERT service's tariff item, in the
// enrolling transaction; the reference the course keeps is the invoice's number.
//
// Price: the tariff items `course_fee` and `whitehat_entry` of cert.yaml have basis
// "fixed", which cannot carry a per-course amount. So a fee equal to the catalog's
// price is billed as that fixed item, and a different fee is refused with a
// localized reason (course.refused.fee_tariff) rather than billed at a price the
// course does not advertise. Should an item's basis become "agreement", the course's
// own fee (course.Invoice.Rials) is billed as the agreed amount instead: the choice
// is read from the catalog at issue time.
type courseInvoicer struct {
	Billing *billing.Service
	// Service is the catalog service whose tariffs price fees ("cert").
	Service string
}

// tariffOf names the tariff item for an Item's kind.
func tariffOf(item string) (kind, tariff string, err error) {
	kind, _, _ = strings.Cut(item, ":")
	switch kind {
	case refKindCourse:
		return kind, "course_fee", nil
	case refKindWhiteHat:
		return kind, "whitehat_entry", nil
	}
	return "", "", fmt.Errorf("course billing: no tariff for %q", item)
}

// Issue satisfies course.Invoicer.
func (ci courseInvoicer) Issue(ctx context.Context, tx *store.Tx, in course.Invoice) (string, error) {
	_, item, err := tariffOf(in.Item)
	if err != nil {
		return "", err
	}
	svc, err := ci.Billing.Catalog(ctx, ci.Service, 0)
	if err != nil {
		return "", fmt.Errorf("course billing: %w", err)
	}
	t, ok := svc.Tariff(item)
	if !ok {
		return "", fmt.Errorf("course billing: %s has no tariff %q", ci.Service, item)
	}
	var amount int64
	switch {
	case t.Basis == catalog.FeeAgreement:
		amount = in.Rials
	case in.Rials != t.Amount:
		return "", problem.New(problem.Conflict, "course.refused.fee_tariff")
	}
	inv, err := ci.Billing.IssueTx(ctx, tx, billing.Item{Service: ci.Service, TariffItem: item, Amount: amount,
		PayerAccountID: in.AccountID, PayerOrgID: in.OrgID, Ref: in.Item})
	if err != nil {
		return "", err
	}
	return inv.Number, nil
}

// CheckFee satisfies course.FeeChecker: a fee billed at a fixed tariff must be that
// tariff's amount, said on the field of the form that set it.
func (ci courseInvoicer) CheckFee(ctx context.Context, kind string, rials int64) error {
	_, item, err := tariffOf(kind + ":0")
	if err != nil {
		return err
	}
	svc, err := ci.Billing.Catalog(ctx, ci.Service, 0)
	if err != nil {
		return fmt.Errorf("course billing: %w", err)
	}
	t, ok := svc.Tariff(item)
	field := "fee_rials"
	if kind == refKindWhiteHat {
		field = "entry_fee_rials"
	}
	switch {
	case !ok:
		return problem.Field(field, "course.fee.no_tariff")
	case t.Basis != catalog.FeeAgreement && rials != t.Amount:
		return problem.Field(field, "course.fee.off_tariff", t.Amount)
	}
	return nil
}

// Paid satisfies course.Invoicer.
func (ci courseInvoicer) Paid(ctx context.Context, tx *store.Tx, ref string) (bool, error) {
	inv, err := ci.Billing.InvoiceTx(ctx, tx, ref)
	if err != nil {
		return false, err
	}
	return inv.State == billing.Paid, nil
}

// Cancel satisfies course.Invoicer: an unpaid invoice is cancelled with the seat;
// a paid one stays paid for a supervisor to refund.
func (ci courseInvoicer) Cancel(ctx context.Context, tx *store.Tx, ref string) error {
	_, err := ci.Billing.WithdrawTx(ctx, tx, "system:course", ref, "seat given up before payment")
	return err
}

// wireCourseFees sets the fee seam of courses and the white-hat programme to
// billing and confirms a course seat in the transaction that pays its invoice.
func wireCourseFees(b *billing.Service, c *course.Courses) course.Invoicer {
	ci := courseInvoicer{Billing: b, Service: "cert"}
	c.Invoicer = ci
	b.OnPaid(refKindCourse, func(ctx context.Context, tx *store.Tx, inv *billing.Invoice) error {
		return c.SeatPaid(ctx, tx, inv.Number)
	})
	return ci
}
