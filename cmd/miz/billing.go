package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/persian"
)

// newBilling builds invoicing and payments (§6): the VAT rate and the payment
// gateway from the configuration, the case engine's payment steps (an invoice on
// entering one, the case moving on when it is paid: C-4.1).
func (m *Main) newBilling() (*billing.Service, error) {
	cfg := m.Config
	bp, err := parseVATRate(cfg.VATRate)
	if err != nil {
		return nil, err
	}
	if cfg.PaymentGatewayURL != "" && cfg.PaymentGatewaySecret == "" {
		return nil, fmt.Errorf("config: --payment-gateway-url needs --payment-gateway-secret (or MIZ_PAYMENT_GATEWAY_SECRET_FILE)")
	}
	b := &billing.Service{DB: m.DB, Catalog: billing.Catalog(m.Cases.Catalog), VATRateBP: bp, Now: m.DB.Now,
		Gateway: billing.Gateway{URL: cfg.PaymentGatewayURL, Secret: []byte(cfg.PaymentGatewaySecret),
			CallbackURL: func() string { return strings.TrimRight(m.publicBase(), "/") + "/payments/callback" }}}
	m.Cases.Invoicer = billing.CaseInvoicer{Billing: b}
	b.OnPaid(billing.RefKindCase, billing.CasePaid(m.Cases))
	return b, nil
}

// parseVATRate reads --vat-rate, a percentage such as "10" or "9.5" (Persian digits
// allowed), into basis points; "0" means no VAT.
func parseVATRate(s string) (int, error) {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(persian.ASCIIDigits(s)), "%"), 64)
	if err != nil || f < 0 || f > 100 || math.IsNaN(f) {
		return 0, fmt.Errorf("config: --vat-rate: want a percentage from 0 to 100, got %q", s)
	}
	bp := int(math.Round(f * 100))
	if bp == 0 {
		return -1, nil // billing.Service reads 0 as the default rate
	}
	return bp, nil
}
