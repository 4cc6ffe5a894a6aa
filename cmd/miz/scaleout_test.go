package main

import (
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestTwoInstancesShareOnePostgres runs two `miz serve` instances on one PostgreSQL
// database, as behind a load balancer: a case opened and submitted on one is served
// by the other, whose staff advance it; the first then sees the new state. Sessions
// and tokens live in the database, so a token issued by one instance works on both.
func TestTwoInstancesShareOnePostgres(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	// Instances share the key of TOTP secrets (Security #8b); each has its own data dir.
	key := func(c *Config) { c.TOTPKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" }
	a := startDemoWith(t, url, key)
	b := startDemoWith(t, url, key) // same database, its own data dir; migrations and demo seed run once
	tok := apiLogin(t, a, "10101234565", "")
	resp, body := doJSON(t, "POST", a.URL()+"/api/v1/cases", tok, "application/json",
		`{"service":"cert","kind":"incident","form":{"summary":"ransomware on file server"}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("open on A: %d %v", resp.StatusCode, body)
	}
	code := body["tracking_code"].(string)
	if resp, body := doJSON(t, "POST", a.URL()+"/api/v1/cases/"+code+"/submit", tok, "application/json", `{}`); resp.StatusCode != 200 {
		t.Fatalf("submit on A: %d %v", resp.StatusCode, body)
	}
	resp, body = doJSON(t, "GET", b.URL()+"/api/v1/cases/"+code, tok, "", "")
	if resp.StatusCode != 200 || body["state"] != "reported" {
		t.Fatalf("B serves A's case with A's token: %d %v", resp.StatusCode, body)
	}
	totp, _ := identity.TOTPCode("JBSWY3DPEHPK3PXP", time.Now())
	staff := apiLogin(t, b, "demo-responder", totp)
	resp, body = doJSON(t, "POST", b.URL()+"/api/v1/cases/"+code+"/transitions", staff, "application/json", `{"transition":"take"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("advance on B: %d %v", resp.StatusCode, body)
	}
	resp, body = doJSON(t, "GET", a.URL()+"/api/v1/cases/"+code, tok, "", "")
	if resp.StatusCode != 200 || body["state"] != "handling" {
		t.Fatalf("A sees B's change: %d %v", resp.StatusCode, body)
	}
}
