package billing

import (
	"context"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/store"
)

// State is where an invoice stands.
type State string

// The states of an invoice: issued unpaid; paid; cancelled before payment;
// refunded after payment.
const (
	Unpaid    State = "unpaid"
	Paid      State = "paid"
	Cancelled State = "cancelled"
	Refunded  State = "refunded"
)

// Invoice is one issued invoice, as stored.
type Invoice struct {
	ID int64 `json:"-"`
	// Number is "YYYY-NNNNNN": the Jalali year of issue and its gap-free sequence.
	Number         string       `json:"number"`
	Year           int          `json:"year"`
	Seq            int64        `json:"seq"`
	Service        string       `json:"service"`
	ServiceVersion int          `json:"service_version"`
	TariffItem     string       `json:"tariff_item"`
	ItemName       catalog.Text `json:"item_name"`
	PayerAccountID int64        `json:"-"`
	PayerPersonID  int64        `json:"-"`
	PayerOrgID     int64        `json:"-"`
	PayerName      string       `json:"payer_name"`
	// Ref says what the invoice is for: "kind:id", e.g. "case:7KQ2-…".
	Ref string `json:"ref,omitempty"`
	// Net, VAT and Total are whole rials; Total = Net + VAT.
	Net   int64 `json:"net"`
	VAT   int64 `json:"vat"`
	Total int64 `json:"total"`
	// VATRateBP is the VAT rate applied, in basis points (1000 = 10 %).
	VATRateBP   int       `json:"vat_rate_bp"`
	State       State     `json:"state"`
	IssuedAt    time.Time `json:"issued_at"`
	PaidAt      time.Time `json:"paid_at,omitzero"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	CloseReason string    `json:"close_reason,omitempty"`
}

// RefKind is the kind part of the invoice's Ref ("case" for "case:7KQ2-…").
func (inv *Invoice) RefKind() string { k, _, _ := strings.Cut(inv.Ref, ":"); return k }

// RefID is the id part of the invoice's Ref.
func (inv *Invoice) RefID() string { _, id, _ := strings.Cut(inv.Ref, ":"); return id }

// resource describes the invoice to the authorisation policy: its payer owns it,
// the service's staff work it.
func (inv *Invoice) resource() authz.Resource {
	return authz.Resource{Kind: authz.Invoice, Service: inv.Service, OwnerPersonID: inv.PayerPersonID,
		OwnerOrgID: inv.PayerOrgID, OwnerAccountID: inv.PayerAccountID}
}

// PaidHandler learns, inside the transaction that records the payment, that an
// invoice was paid. It must not refuse a payment for a business reason (the money
// has arrived): it returns an error only for a failure worth retrying, which
// rolls the payment back so that the gateway or staff try again.
type PaidHandler func(ctx context.Context, tx *store.Tx, inv *Invoice) error

// Catalog returns a service at a version; version 0 asks for the version new cases
// use now (cases.Catalog has this shape).
type Catalog func(ctx context.Context, id string, version int) (*catalog.Service, error)

// Service runs the use cases of billing.
type Service struct {
	DB      *store.DB
	Catalog Catalog
	// VATRateBP is the VAT rate in basis points (1000 = 10 %, the default when 0);
	// a negative value means no VAT.
	VATRateBP int
	// Gateway is the payment gateway; payments through it fail while its URL is empty.
	Gateway Gateway
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	handlers map[string]PaidHandler
	print    printKey
}

// DefaultVATRateBP is the VAT rate when none is configured: 10 %.
const DefaultVATRateBP = 1000

// OnPaid registers h for paid invoices whose Ref has the given kind ("case",
// "course", …). Call it while wiring, before the service is used.
func (s *Service) OnPaid(kind string, h PaidHandler) {
	if s.handlers == nil {
		s.handlers = map[string]PaidHandler{}
	}
	s.handlers[kind] = h
}

func (s *Service) vatRate() int {
	switch {
	case s.VATRateBP == 0:
		return DefaultVATRateBP
	case s.VATRateBP < 0:
		return 0
	}
	return s.VATRateBP
}

func (s *Service) update(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.UpdateAt(ctx, s.Now, fn)
}

func (s *Service) view(ctx context.Context, fn func(tx *store.Tx) error) error {
	return s.DB.ViewAt(ctx, s.Now, fn)
}

// VATOf returns the VAT on net at rate (basis points), rounded half up to a rial.
func VATOf(net int64, rateBP int) int64 { return (net*int64(rateBP) + 5000) / 10000 }
