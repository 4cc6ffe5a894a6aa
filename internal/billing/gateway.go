package billing

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Gateway is the payment gateway Miz sends payers to. The protocol is ours: the
// payer's browser goes to URL with the invoice, amount, a one-time token and the
// callback address, signed; the gateway sends the payer (or posts) back to the
// callback with the invoice, amount, token, its own reference and the status,
// signed with the same shared secret (HMAC-SHA256, hex). A bank's gateway is
// reached through a small proxy that speaks this protocol.
type Gateway struct {
	// URL is the gateway's payment page.
	URL string
	// Secret is the key shared with the gateway (config: --payment-gateway-secret
	// or MIZ_PAYMENT_GATEWAY_SECRET_FILE).
	Secret []byte
	// CallbackURL returns Miz's absolute callback address (the public base URL +
	// /payments/callback); called per payment, so it may be set before the
	// listener exists.
	CallbackURL func() string
}

// Callback is what the gateway reports about one payment.
type Callback struct {
	Invoice string
	Amount  int64
	Token   string
	// Ref is the gateway's own reference of the payment; it pays once.
	Ref string
	// Status is "ok" for a completed payment; anything else is a failed one.
	Status    string
	Signature string
}

// Sign computes the signature of fields (name=value pairs, in the order given) under
// secret: hex(HMAC-SHA256(secret, the pairs joined by "\n")).
func Sign(secret []byte, fields ...string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(strings.Join(fields, "\n")))
	return hex.EncodeToString(m.Sum(nil))
}

// RequestFields are the signed fields of the request sent to the gateway.
func RequestFields(invoice string, amount int64, token, callback string) []string {
	return []string{"invoice=" + invoice, "amount=" + strconv.FormatInt(amount, 10), "token=" + token, "callback=" + callback}
}

// Fields are the signed fields of a callback.
func (c Callback) Fields() []string {
	return []string{"invoice=" + c.Invoice, "amount=" + strconv.FormatInt(c.Amount, 10), "token=" + c.Token,
		"ref=" + c.Ref, "status=" + c.Status}
}

// Values encodes the callback as the query or form the gateway sends.
func (c Callback) Values() url.Values {
	return url.Values{"invoice": {c.Invoice}, "amount": {strconv.FormatInt(c.Amount, 10)}, "token": {c.Token},
		"ref": {c.Ref}, "status": {c.Status}, "sig": {c.Signature}}
}

// CallbackFromValues reads a callback from the gateway's query or form.
func CallbackFromValues(v url.Values) Callback {
	amount, err := strconv.ParseInt(v.Get("amount"), 10, 64)
	if err != nil {
		amount = -1
	}
	return Callback{Invoice: v.Get("invoice"), Amount: amount, Token: v.Get("token"), Ref: v.Get("ref"),
		Status: v.Get("status"), Signature: v.Get("sig")}
}

// Ready reports whether payers can pay through the gateway: its address, the
// shared secret and Miz's callback address are all configured.
func (g Gateway) Ready() bool { return g.URL != "" && len(g.Secret) > 0 && g.CallbackURL != nil }

// StartPayment sends the payer of an unpaid invoice to the gateway: it records a
// one-time token for the invoice and its total and returns the signed address.
func (s *Service) StartPayment(ctx context.Context, p *identity.Principal, number string) (string, error) {
	if !s.Gateway.Ready() {
		return "", problem.New(problem.Unavailable, "billing.gateway.off")
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("billing: token: %w", err)
	}
	token := hex.EncodeToString(b[:])
	var inv *Invoice
	err := s.update(ctx, func(tx *store.Tx) error {
		var err error
		if inv, err = load(ctx, tx, number); err != nil {
			return err
		}
		if err := may(p, authz.Update, inv); err != nil {
			return err
		}
		if inv.State != Unpaid {
			return problem.New(problem.Conflict, "billing.not_unpaid")
		}
		_, err = tx.Exec(ctx, `INSERT INTO payment_attempts (token, invoice_id, amount, account_id, created_at)
			VALUES (?, ?, ?, ?, ?)`, token, inv.ID, inv.Total, p.ID, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("billing: start payment %s: %w", number, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "invoice.payment_started", "invoice", number,
			map[string]any{"total": inv.Total})
	})
	if err != nil {
		return "", err
	}
	callback := s.Gateway.CallbackURL()
	fields := RequestFields(inv.Number, inv.Total, token, callback)
	q := url.Values{"invoice": {inv.Number}, "amount": {strconv.FormatInt(inv.Total, 10)}, "token": {token},
		"callback": {callback}, "sig": {Sign(s.Gateway.Secret, fields...)}}
	sep := "?"
	if strings.Contains(s.Gateway.URL, "?") {
		sep = "&"
	}
	return s.Gateway.URL + sep + q.Encode(), nil
}

// ErrBadSignature is the cause of a callback whose signature does not verify.
var ErrBadSignature = errors.New("billing: callback signature does not verify")

// GatewayCallback records the payment the gateway reports, once. The signature must
// verify under the shared secret, the token must be one Miz issued for that invoice
// and amount, and the amount must be the invoice's total; otherwise nothing changes.
// A callback whose gateway reference is already recorded for the invoice is a replay:
// it changes nothing and answers with the invoice (replayed true), so the gateway
// and the payer's browser may safely repeat it.
func (s *Service) GatewayCallback(ctx context.Context, cb Callback) (inv *Invoice, replayed bool, err error) {
	if len(s.Gateway.Secret) == 0 || !hmac.Equal([]byte(Sign(s.Gateway.Secret, cb.Fields()...)), []byte(strings.ToLower(cb.Signature))) {
		return nil, false, &problem.Error{Code: problem.Invalid, Key: "billing.gateway.signature", Err: ErrBadSignature}
	}
	err = s.update(ctx, func(tx *store.Tx) error {
		replayed = false
		if inv, err = load(ctx, tx, cb.Invoice); err != nil {
			return err
		}
		var attemptInvoice, attemptAmount int64
		err := tx.QueryRow(ctx, `SELECT invoice_id, amount FROM payment_attempts WHERE token = ?`, cb.Token).
			Scan(&attemptInvoice, &attemptAmount)
		if err != nil || attemptInvoice != inv.ID || attemptAmount != cb.Amount || cb.Amount != inv.Total {
			return problem.New(problem.Invalid, "billing.gateway.mismatch")
		}
		if cb.Status != "ok" {
			return problem.New(problem.Invalid, "billing.gateway.failed")
		}
		if strings.TrimSpace(cb.Ref) == "" || len(cb.Ref) > 64 {
			return problem.New(problem.Invalid, "billing.gateway.mismatch")
		}
		var paidInvoice int64
		err = tx.QueryRow(ctx, `SELECT invoice_id FROM payments WHERE method = 'gateway' AND reference = ?`, cb.Ref).Scan(&paidInvoice)
		if err == nil {
			if paidInvoice != inv.ID {
				return problem.New(problem.Conflict, "billing.reference.used")
			}
			replayed = true
			return nil
		}
		pm := Payment{Method: MethodGateway, Reference: cb.Ref, Amount: cb.Amount, ReceivedAt: tx.Now}
		return s.pay(ctx, tx, "gateway", inv, pm)
	})
	if err != nil {
		return nil, false, err
	}
	return inv, replayed, nil
}
