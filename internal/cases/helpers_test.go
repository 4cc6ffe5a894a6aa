package cases

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// tehranAt is a wall time in Asia/Tehran; 2026-11-21 is a Saturday.
func tehranAt(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, jalali.Tehran())
}

type fixture struct {
	e     *Engine
	clock *storetest.Clock
	cal   *sla.Calendar
	// person applies for themself; org for a company; gov for a government agency.
	person, org, gov *identity.Principal
	expert, expert2  *identity.Principal
	supervisor       *identity.Principal
	signer           *identity.Principal
	responder        *identity.Principal
	certExpert       *identity.Principal
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
	f := &fixture{clock: storetest.NewClock(tehranAt(21, 7, 30)), cal: sla.NationalDefault()}
	f.e = &Engine{DB: db, Catalog: StaticCatalog(svcs), Calendar: func() *sla.Calendar { return f.cal },
		Docs: docs, Now: f.clock.Now}
	b := fixtures.New(t, db, f.clock)
	f.person = b.Applicant("person")
	f.org = b.OrgApplicant("company", "legal")
	f.gov = b.OrgApplicant("ministry", "government")
	f.expert = b.Staff("expert", map[string][]identity.Role{"certify": {identity.Expert}})
	f.expert2 = b.Staff("expert2", map[string][]identity.Role{"certify": {identity.Expert}})
	f.supervisor = b.Staff("supervisor", map[string][]identity.Role{"certify": {identity.Supervisor}, "cert": {identity.Supervisor}})
	f.signer = b.Staff("signer", map[string][]identity.Role{"certify": {identity.Signer}})
	f.responder = b.Staff("responder", map[string][]identity.Role{"cert": {identity.Responder}})
	f.certExpert = b.Staff("cert-expert", map[string][]identity.Role{"cert": {identity.Expert}})
	return f
}

// samplePDF is a small well-formed PDF.
func samplePDF(tag string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	fmt.Fprintf(&b, "%% %s\n", tag)
	b.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

func (f *fixture) open(t *testing.T, p *identity.Principal, service, kind string) *Case {
	t.Helper()
	c, err := f.e.Open(context.Background(), p, OpenInput{Service: service, Kind: kind, Form: []byte(`{"product":"حسابداری"}`)})
	if err != nil {
		t.Fatalf("open %s/%s: %v", service, kind, err)
	}
	return c
}

func (f *fixture) attach(t *testing.T, p *identity.Principal, code string, types ...string) {
	t.Helper()
	for _, typ := range types {
		_, err := f.e.AttachDocument(context.Background(), p, code, AttachInput{Type: typ, Filename: typ + ".pdf",
			Declared: "application/pdf", Body: bytes.NewReader(samplePDF(code + typ))})
		if err != nil {
			t.Fatalf("attach %s: %v", typ, err)
		}
	}
}

// orgDocs are the always-required CERTIFY documents of a company.
var orgDocs = []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"}

// submitted opens and submits a CERTIFY application for the company.
func (f *fixture) submitted(t *testing.T) *Case {
	t.Helper()
	c := f.open(t, f.org, "certify", "application")
	f.attach(t, f.org, c.TrackingCode, orgDocs...)
	if _, err := f.e.Submit(context.Background(), f.org, c.TrackingCode); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return c
}

func (f *fixture) move(t *testing.T, p *identity.Principal, code, transition, decision, reason string) *Case {
	t.Helper()
	c, err := f.e.Transition(context.Background(), p, code, TransitionInput{Transition: transition, Decision: decision, Reason: reason})
	if err != nil {
		t.Fatalf("transition %s: %v", transition, err)
	}
	return c
}

func wantCode(t *testing.T, err error, code problem.Code, key string) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want problem %s/%s", err, code, key)
	}
	if pe.Code != code || (key != "" && pe.Key != key) {
		t.Fatalf("err = %s/%s (%v), want %s/%s", pe.Code, pe.Key, err, code, key)
	}
}

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q does not contain %q", s, sub)
	}
}
