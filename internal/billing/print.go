package billing

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// printTokenTTL bounds how long a print token opens an invoice's print page: long
// enough for chromium on this machine to load it, too short to be worth stealing.
const printTokenTTL = 2 * time.Minute

// printKey is this instance's key for print tokens, made at first use. Tokens are
// verified by the instance that made them, because the PDF printer loads the page
// from its own instance (pdf.Printer.PagePDF on the loopback address).
type printKey struct {
	once sync.Once
	key  [32]byte
}

func (k *printKey) get() []byte {
	k.once.Do(func() { _, _ = rand.Read(k.key[:]) })
	return k.key[:]
}

// PrintToken lets the PDF printer open the invoice's private print page on p's
// behalf: p must be allowed to see the invoice; the token names the invoice and
// expires in two minutes.
func (s *Service) PrintToken(ctx context.Context, p *identity.Principal, number string) (string, error) {
	inv, err := s.Invoice(ctx, p, number)
	if err != nil {
		return "", err
	}
	exp := strconv.FormatInt(s.clock().Add(printTokenTTL).Unix(), 10)
	return exp + "." + Sign(s.print.get(), "print="+inv.Number, "exp="+exp), nil
}

// InvoiceForPrint returns the invoice a valid, unexpired print token names.
func (s *Service) InvoiceForPrint(ctx context.Context, number, token string) (*Invoice, error) {
	exp, sig, _ := strings.Cut(token, ".")
	at, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.clock().Unix() > at ||
		!hmac.Equal([]byte(sig), []byte(Sign(s.print.get(), "print="+number, "exp="+exp))) {
		return nil, problem.New(problem.NotFound, "billing.not_found")
	}
	var inv *Invoice
	err = s.view(ctx, func(tx *store.Tx) error {
		inv, err = load(ctx, tx, number)
		return err
	})
	return inv, err
}

// Can reports what p may do with the invoice, for the adapters to offer: pay it,
// record a bank payment, cancel or refund it. Each use case checks again.
func Can(p *identity.Principal, inv *Invoice) (pay, record, close bool) {
	r := inv.resource()
	return inv.State == Unpaid && authz.Decide(p, authz.Update, r),
		inv.State == Unpaid && authz.Decide(p, authz.Act, r),
		(inv.State == Unpaid || inv.State == Paid) && authz.Decide(p, authz.Publish, r)
}

func (s *Service) clock() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
