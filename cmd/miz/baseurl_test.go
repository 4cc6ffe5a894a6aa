package main

import (
	"context"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/certify"
)

// TestPrintedCertificateLinksAreAbsoluteInTheDemo_13: without --base-url the demo uses
// its listening address, so the print page's "verify at" line (and the QR code made
// from the same address) is absolute and works when scanned; with --base-url it is
// the configured address, never the request's Host.
func TestPrintedCertificateLinksAreAbsoluteInTheDemo_13(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	res, err := m.Registry.Search(context.Background(), certify.Query{Status: certify.Active})
	if err != nil || len(res.Items) == 0 {
		t.Fatalf("no demo certificate: %v", err)
	}
	num := res.Items[0].Number
	_, _, body := get(t, m.URL()+"/registry/"+num+"/print")
	if want := m.URL() + "/registry/" + num; !strings.Contains(body, want) {
		t.Errorf("demo print page does not say %q", want)
	}
	m2, _, err := boot(t, func(c *Config) { c.Demo, c.BaseURL = true, "https://miz.example.ir" })
	if err != nil {
		t.Fatal(err)
	}
	_, _, body = get(t, m2.URL()+"/registry/"+num+"/print")
	if !strings.Contains(body, "https://miz.example.ir/registry/"+num) {
		t.Error("with --base-url the print page does not use it")
	}
}
