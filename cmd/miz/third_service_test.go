package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/store"
)

// TestAThirdServiceFromDataAlone_17 adds the example service of
// internal/catalog/examples/gsb.yaml to a running desk the way a service owner
// would — a draft, four-eyes review, publication — with no Go code, then runs a
// case through it on both databases: an executive body applies, is returned as
// incomplete, resubmits, is approved and connected; the SLA clock ran, the public
// pages show the service and its KPIs count the case.
func TestAThirdServiceFromDataAlone_17(t *testing.T) {
	t.Parallel()
	yaml, err := os.ReadFile("../../internal/catalog/examples/gsb.yaml")
	if err != nil {
		t.Fatal(err)
	}
	forEachDB(t, func(t *testing.T, m *Main) {
		ctx := context.Background()
		admin := demoPrincipal(t, m, "demo-admin")
		v, err := m.Catalog.CreateDraft(ctx, admin, "gsb", string(yaml))
		if err != nil {
			t.Fatal(err)
		}
		if p := v.Problems(); len(p) > 0 {
			t.Fatalf("the example file has problems: %v", p)
		}
		if err := m.Catalog.Submit(ctx, admin, "gsb", v.Number); err != nil {
			t.Fatal(err)
		}
		// Four eyes: the author may not publish; a supervisor of every service does.
		acc := &identity.Accounts{DB: m.DB, KnownService: knownServices(m.DB)}
		by := identity.Admin{Principal: admin}
		sup, expert := demoPrincipal(t, m, "demo-supervisor"), demoPrincipal(t, m, "demo-expert")
		if err := acc.GrantRole(ctx, by, sup.ID, identity.AllServices, identity.Supervisor); err != nil {
			t.Fatal(err)
		}
		sup = demoPrincipal(t, m, "demo-supervisor")
		today := jalali.FromTime(time.Now().In(jalali.Tehran()))
		y, mo, d := today.Gregorian()
		if _, err := m.Catalog.Publish(ctx, sup, "gsb", v.Number, catalogdb.PublishInput{
			EffectiveFrom: catalog.Date{Year: y, Month: time.Month(mo), Day: d},
			Summary:       catalog.Text{FA: "خدمت تازه", EN: "A new service"}}); err != nil {
			t.Fatal(err)
		}
		// Once published, the service is known: roles are granted on it by name.
		if err := acc.GrantRole(ctx, by, expert.ID, "gsb", identity.Expert); err != nil {
			t.Fatalf("grant expert on the new service: %v", err)
		}
		expert = demoPrincipal(t, m, "demo-expert")
		for _, path := range []string{"/services/gsb", "/services/gsb/sla", "/services/gsb/performance"} {
			if code, _, body := get(t, m.URL()+path); code != 200 || !strings.Contains(body, "مرکز ملی تبادل اطلاعات") {
				t.Errorf("%s: %d", path, code)
			}
		}

		// An employee of the demo government body applies for it.
		var govOrg, person, accountID int64
		err = m.DB.Update(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT id FROM organizations WHERE kind = 'government' ORDER BY id LIMIT 1`).Scan(&govOrg); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT id, person_id FROM accounts WHERE username = 'demo-applicant'`).Scan(&accountID, &person); err != nil {
				return err
			}
			return identity.AddMembership(ctx, tx, person, govOrg, "کارشناس فناوری اطلاعات")
		})
		if err != nil {
			t.Fatal(err)
		}
		var app *identity.Principal
		if err := m.DB.View(ctx, func(tx *store.Tx) error {
			var err error
			app, err = identity.LoadPrincipal(ctx, tx, accountID, govOrg)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		c, err := m.Cases.Open(ctx, app, cases.OpenInput{Service: "gsb", Kind: "connection"})
		if err != nil {
			t.Fatal(err)
		}
		upload := func(doc string) {
			t.Helper()
			if _, err := m.Cases.AttachDocument(ctx, app, c.TrackingCode, cases.AttachInput{Type: doc, Filename: doc + ".pdf",
				Declared: "application/pdf", Body: bytes.NewReader(tinyPDF(doc + c.TrackingCode))}); err != nil {
				t.Fatalf("upload %s: %v", doc, err)
			}
		}
		upload("request_letter")
		upload("technical_form")
		if _, err := m.Cases.Submit(ctx, app, c.TrackingCode); err == nil {
			t.Fatal("submitted without the security commitment")
		}
		upload("security_commitment")
		if _, err := m.Cases.Submit(ctx, app, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		step := func(p *identity.Principal, tr, decision, reason string) {
			t.Helper()
			if _, err := m.Cases.Transition(ctx, p, c.TrackingCode, cases.TransitionInput{Transition: tr, Decision: decision, Reason: reason}); err != nil {
				t.Fatalf("%s: %v", tr, err)
			}
		}
		step(expert, "return_incomplete", "", "نشانی‌های شبکه در فرم فنی نیامده است.")
		if _, err := m.Cases.Resubmit(ctx, app, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		step(expert, "accept_documents", "", "")
		step(expert, "approve", "approve", "")
		step(expert, "connect", "approve", "")
		view, err := m.Cases.Get(ctx, app, c.TrackingCode)
		if err != nil || view.Case.State != "connected" || view.Case.ClosedAt.IsZero() {
			t.Fatalf("case at the end: %+v, %v", view, err)
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.tracking_code = ? AND e.pause = 'incomplete'`, c.TrackingCode); n != 1 {
			t.Errorf("%d incomplete pauses recorded, want 1", n)
		}
		resp, out := doJSON(t, "GET", m.URL()+"/api/v1/services/gsb/kpis?period="+kpi.MonthOf(time.Now()).Text, "", "", "")
		if resp.StatusCode != 200 || out["completed"] != float64(1) {
			t.Errorf("KPIs of the new service: %d %v", resp.StatusCode, out)
		}
	})
}
