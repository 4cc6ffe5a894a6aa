// Package deskfixture builds a CERT desk on a real database for the tests of the
// cert packages that sit beside the incident module (dispatch, consent, report,
// disclosure): the case engine with the cert module and its guards, and the
// people of an incident, made with internal/fixtures.
package deskfixture

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Desk is a CERT desk and its people.
type Desk struct {
	DB     *store.DB
	Engine *cases.Engine
	Clock  *storetest.Clock
	// Reporter acts for the reporting organisation (OrgID); Outsider for another.
	Reporter, Outsider *identity.Principal
	OrgID, OtherOrgID  int64
	// Responder, Analyst and Analyst2 work CERT cases; Supervisor supervises them;
	// CertifyExpert is staff of another service.
	Responder, Analyst, Analyst2, Supervisor, CertifyExpert *identity.Principal
}

// New opens a desk on db whose cert module is guarded by guards.
func New(t testing.TB, db *store.DB, guards ...dispatch.Guard) *Desk {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	d := &Desk{DB: db, Clock: storetest.NewClock(time.Date(2026, 4, 4, 6, 30, 0, 0, time.UTC))}
	db.Now = d.Clock.Now
	mod := &dispatch.Module{Next: &reactive.Module{Now: d.Clock.Now, WebPages: true}, Guards: guards}
	d.Engine = &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Calendar: sla.NationalDefault, Now: d.Clock.Now,
		Modules: map[string]cases.Module{"cert": mod}}
	b := fixtures.New(t, db, d.Clock)
	d.Reporter = b.OrgApplicant("reporter", "government")
	d.Outsider = b.OrgApplicant("outsider", "legal")
	d.OrgID, d.OtherOrgID = d.Reporter.OrgID, d.Outsider.OrgID
	cert := func(r identity.Role) map[string][]identity.Role { return map[string][]identity.Role{"cert": {r}} }
	d.Responder = b.Staff("responder", cert(identity.Responder))
	d.Analyst = b.Staff("analyst", cert(identity.Analyst))
	d.Analyst2 = b.Staff("analyst2", cert(identity.Analyst))
	d.Supervisor = b.Staff("supervisor", cert(identity.Supervisor))
	d.CertifyExpert = b.Staff("certify-expert", map[string][]identity.Role{"certify": {identity.Expert}})
	return d
}

// Incident opens and submits an incident report of the reporting organisation
// and returns its tracking code.
func (d *Desk) Incident(t testing.TB, summary string) string {
	t.Helper()
	ctx := context.Background()
	c, err := d.Engine.Open(ctx, d.Reporter, cases.OpenInput{Service: "cert", Kind: reactive.KindIncident,
		Form: []byte(`{"summary":"` + summary + `"}`)})
	if err != nil {
		t.Fatalf("open incident: %v", err)
	}
	if _, err := d.Engine.Submit(ctx, d.Reporter, c.TrackingCode); err != nil {
		t.Fatalf("submit incident: %v", err)
	}
	return c.TrackingCode
}

// CaseAt stores a case of kind of the reporting organisation, already in state
// held by the Organization, as a test's starting point, and returns its code.
func (d *Desk) CaseAt(t testing.TB, kind, state string) string {
	t.Helper()
	ctx := context.Background()
	code, err := cases.NewTrackingCode(nil)
	if err != nil {
		t.Fatal(err)
	}
	now := store.Millis(d.Clock.Now())
	err = d.DB.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_org_id, applicant_type, form, created_at, submitted_at, due_at)
			VALUES (?, 'cert', 1, ?, ?, 'organization', ?, ?, 'government', '{}', ?, ?, ?)`,
			code, kind, state, d.Reporter.ID, d.OrgID, now, now, now+48*3600*1000)
		return err
	})
	if err != nil {
		t.Fatalf("store %s case: %v", kind, err)
	}
	return code
}
