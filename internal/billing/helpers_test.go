package billing

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// start is Sunday 1405/09/01 (2026-11-22) 09:00 in Tehran, inside working hours.
var start = time.Date(2026, 11, 22, 9, 0, 0, 0, jalali.Tehran())

type fixture struct {
	db      *store.DB
	b       *Service
	e       *cases.Engine
	clock   *storetest.Clock
	person  *identity.Principal
	other   *identity.Principal
	expert  *identity.Principal
	super   *identity.Principal
	certify *identity.Principal
	secret  []byte
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, clock: storetest.NewClock(start), secret: []byte("shared-secret-of-the-test-gateway")}
	f.b = &Service{DB: db, Catalog: Catalog(cases.StaticCatalog(svcs)), Now: f.clock.Now,
		Gateway: Gateway{URL: "https://gateway.test/pay", Secret: f.secret, CallbackURL: func() string { return "https://miz.test/payments/callback" }}}
	f.e = &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Docs: docs, Now: f.clock.Now,
		Calendar: func() *sla.Calendar { return sla.NationalDefault() }, Invoicer: CaseInvoicer{Billing: f.b}}
	f.b.OnPaid(RefKindCase, CasePaid(f.e))
	fx := fixtures.New(t, db, f.clock)
	f.person = fx.Applicant("payer")
	f.other = fx.Applicant("stranger")
	f.expert = fx.Staff("cert-expert", map[string][]identity.Role{"cert": {identity.Expert}})
	f.super = fx.Staff("cert-super", map[string][]identity.Role{"cert": {identity.Supervisor}})
	f.certify = fx.Staff("certify-expert", map[string][]identity.Role{"certify": {identity.Expert}})
	return f
}

// samplePDF is a small well-formed PDF.
func samplePDF(tag string) []byte {
	return []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + tag + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

// courseAwaitingPayment walks a person's course enrolment to the payment step.
func (f *fixture) courseAwaitingPayment(t *testing.T) *cases.Case {
	t.Helper()
	ctx := context.Background()
	c, err := f.e.Open(ctx, f.person, cases.OpenInput{Service: "cert", Kind: "course", Form: []byte(`{}`)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := f.e.AttachDocument(ctx, f.person, c.TrackingCode, cases.AttachInput{Type: "national_card",
		Filename: "card.pdf", Declared: "application/pdf", Body: bytes.NewReader(samplePDF(c.TrackingCode))}); err != nil {
		t.Fatalf("attach: %v", err)
	}
	if _, err := f.e.Submit(ctx, f.person, c.TrackingCode); err != nil {
		t.Fatalf("submit: %v", err)
	}
	f.clock.Add(time.Hour)
	c, err = f.e.Transition(ctx, f.expert, c.TrackingCode, cases.TransitionInput{Transition: "accept", Decision: cases.DecisionApprove})
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	return c
}

// issue issues a fixed-price CERT invoice to the person.
func (f *fixture) issue(t *testing.T, ref string) *Invoice {
	t.Helper()
	inv, err := f.b.Issue(context.Background(), Item{Service: "cert", TariffItem: "whitehat_entry",
		PayerAccountID: f.person.ID, Ref: ref})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return inv
}

// callback is what an honest gateway sends for a started payment.
func (f *fixture) callback(t *testing.T, redirect, ref string) Callback {
	t.Helper()
	u, err := parseURL(redirect)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if Sign(f.secret, RequestFields(q.Get("invoice"), mustInt(t, q.Get("amount")), q.Get("token"), q.Get("callback"))...) != q.Get("sig") {
		t.Fatalf("the request to the gateway is not signed: %s", redirect)
	}
	cb := Callback{Invoice: q.Get("invoice"), Amount: mustInt(t, q.Get("amount")), Token: q.Get("token"), Ref: ref, Status: "ok"}
	cb.Signature = Sign(f.secret, cb.Fields()...)
	return cb
}
