package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/itoir/miz/internal/billing"
)

// testGatewaySecret is the key the test gateway shares with the desks under test.
const testGatewaySecret = "test-gateway-shared-secret"

// testGateway is a real payment gateway for the tests, speaking billing's protocol:
// GET /pay checks the desk's signature, "takes the money" and sends the payer's
// browser back to the desk's callback with its own reference, signed. It counts
// the payments it took.
type testGateway struct {
	*httptest.Server
	payments atomic.Int64
}

func newTestGateway(t *testing.T) *testGateway {
	t.Helper()
	g := &testGateway{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		amount, err := strconv.ParseInt(q.Get("amount"), 10, 64)
		want := billing.Sign([]byte(testGatewaySecret), billing.RequestFields(q.Get("invoice"), amount, q.Get("token"), q.Get("callback"))...)
		if r.URL.Path != "/pay" || err != nil || q.Get("sig") != want {
			http.Error(w, "bad payment request", http.StatusBadRequest)
			return
		}
		cb := billing.Callback{Invoice: q.Get("invoice"), Amount: amount, Token: q.Get("token"),
			Ref: fmt.Sprintf("GW-%06d", g.payments.Add(1)), Status: "ok"}
		cb.Signature = billing.Sign([]byte(testGatewaySecret), cb.Fields()...)
		back, err := url.Parse(q.Get("callback"))
		if err != nil {
			http.Error(w, "bad callback", http.StatusBadRequest)
			return
		}
		back.RawQuery = cb.Values().Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}))
	t.Cleanup(g.Close)
	return g
}

// withTestGateway points a desk's configuration at a fresh test gateway.
func withTestGateway(t *testing.T, cfg *Config) *testGateway {
	t.Helper()
	g := newTestGateway(t)
	cfg.PaymentGatewayURL, cfg.PaymentGatewaySecret = g.URL+"/pay", testGatewaySecret
	return g
}
