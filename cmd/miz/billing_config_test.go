package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// §6: the gateway's secret may come from a file, the VAT rate is a percentage that
// defaults to 10, and a gateway without a secret refuses to start.
func TestBillingConfiguration_Section6(t *testing.T) {
	t.Parallel()
	secret := filepath.Join(t.TempDir(), "gateway")
	if err := os.WriteFile(secret, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MIZ_PAYMENT_GATEWAY_SECRET_FILE": secret, "MIZ_PAYMENT_GATEWAY_URL": "https://bank.example/pay"}
	cfg, _, err := loadConfig("serve", []string{"--vat-rate", "9.5"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PaymentGatewaySecret != "from-a-file" || cfg.PaymentGatewayURL != "https://bank.example/pay" || cfg.VATRate != "9.5" {
		t.Errorf("config = %+v", cfg)
	}
	if defaultConfig().VATRate != "10" {
		t.Errorf("default VAT rate = %q", defaultConfig().VATRate)
	}
	for in, want := range map[string]int{"10": 1000, "9.5": 950, "۹": 900, "0": -1, "12%": 1200} {
		if got, err := parseVATRate(in); err != nil || got != want {
			t.Errorf("parseVATRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ten", "-1", "101", "NaN"} {
		if _, err := parseVATRate(bad); err == nil {
			t.Errorf("parseVATRate(%q) accepted", bad)
		}
	}
	m := &Main{Config: defaultConfig()}
	m.Config.PaymentGatewayURL = "https://bank.example/pay"
	if _, err := m.newBilling(); err == nil || !strings.Contains(err.Error(), "payment-gateway-secret") {
		t.Errorf("a gateway without a secret: %v", err)
	}
}
