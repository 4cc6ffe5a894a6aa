package reactive

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// desk is a CERT desk on a real database: the case engine with this module, the
// service, and the people of an incident.
type desk struct {
	e     *cases.Engine
	s     *Service
	clock *storetest.Clock
	// reporter and colleague act for the reporting organisation; outsider for another.
	reporter, colleague, outsider *identity.Principal
	// responder and responder2 are CERT responders, analyst an analyst, supervisor the
	// CERT supervisor, certifyExpert staff of another service.
	responder, responder2, analyst, supervisor, certifyExpert *identity.Principal
}

func newDesk(t testing.TB, db *store.DB) *desk {
	t.Helper()
	ctx := context.Background()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{clock: storetest.NewClock(time.Date(2026, 4, 4, 6, 30, 0, 0, time.UTC))}
	db.Now = d.clock.Now
	d.e = &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Calendar: sla.NationalDefault, Docs: docs, Now: d.clock.Now,
		Modules: map[string]cases.Module{"cert": &Module{Now: d.clock.Now, WebPages: true}}}
	d.s = &Service{DB: db, Cases: d.e, Now: d.clock.Now}
	var ids []int64
	err = db.Update(ctx, func(tx *store.Tx) error {
		for i, nid := range []string{"10100000001", "10100000002"} {
			id, err := tx.InsertID(ctx, `INSERT INTO organizations (national_id, kind, name_fa, created_at) VALUES (?, 'government', ?, 0)`, nid, fmt.Sprintf("سازمان %d", i))
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		for i, kind := range []string{"organization", "organization", "organization", "staff", "staff", "staff", "staff", "staff"} {
			id, err := tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES (?, ?, 0)`, fmt.Sprintf("u%d", i), kind)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	org := func(id, org int64) *identity.Principal {
		return &identity.Principal{Account: identity.Account{ID: id, Kind: identity.KindOrganization, OrgID: org}}
	}
	staff := func(id int64, grants map[string][]identity.Role) *identity.Principal {
		return &identity.Principal{Account: identity.Account{ID: id, Kind: identity.KindStaff}, Grants: grants}
	}
	d.reporter, d.colleague, d.outsider = org(ids[2], ids[0]), org(ids[3], ids[0]), org(ids[4], ids[1])
	d.responder = staff(ids[5], map[string][]identity.Role{"cert": {identity.Responder}})
	d.responder2 = staff(ids[6], map[string][]identity.Role{"cert": {identity.Responder}})
	d.analyst = staff(ids[7], map[string][]identity.Role{"cert": {identity.Analyst}})
	d.supervisor = staff(ids[8], map[string][]identity.Role{"cert": {identity.Supervisor}})
	d.certifyExpert = staff(ids[9], map[string][]identity.Role{"certify": {identity.Expert}})
	return d
}

// report opens and submits an incident with form as the reporter.
func (d *desk) report(t testing.TB, form string) string {
	t.Helper()
	ctx := context.Background()
	c, err := d.e.Open(ctx, d.reporter, cases.OpenInput{Service: "cert", Kind: KindIncident, Form: []byte(form)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if _, err := d.e.Submit(ctx, d.reporter, c.TrackingCode); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return c.TrackingCode
}

func wantCode(t *testing.T, err error, code problem.Code, key string) {
	t.Helper()
	pe := problem.As(err)
	if err == nil || pe.Code != code || (key != "" && pe.Key != key) {
		t.Fatalf("want %s %s, got %v", code, key, err)
	}
}
