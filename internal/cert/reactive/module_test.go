package reactive

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/incident"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestEngineRefusesBadIncidentForms: issue 15 — `tlp:"NOT-A-TLP"` and IP 999.1.1.1
// were stored; now the generic engine refuses them through the module, names every
// field, and stores nothing.
func TestEngineRefusesBadIncidentForms(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		_, err := d.e.Open(ctx, d.reporter, cases.OpenInput{Service: "cert", Kind: KindIncident,
			Form: []byte(`{"summary":"x","tlp":"NOT-A-TLP","assets":["999.1.1.1"],"indicators":["hxxp://evil[.]ir","1.2.3.999"]}`)})
		var fe incident.FieldErrors
		if !errors.As(err, &fe) || !slices.Equal(fe.Fields(), []string{"tlp", "assets[0]", "indicators[1]"}) {
			t.Fatalf("got %v", err)
		}
		if pe := problem.As(err); pe.Code != problem.Invalid || pe.Field != "tlp" {
			t.Fatalf("first error %+v", pe)
		}
		var n int
		_ = db.View(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, "SELECT COUNT(*) FROM cases").Scan(&n) })
		if n != 0 {
			t.Fatalf("%d cases stored", n)
		}
		// A draft may be empty, but is not sent without what happened.
		c, err := d.e.Open(ctx, d.reporter, cases.OpenInput{Service: "cert", Kind: KindIncident})
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.e.Submit(ctx, d.reporter, c.TrackingCode)
		if pe := problem.As(err); pe.Field != "summary" {
			t.Fatalf("submit without summary: %v", err)
		}
		// Other CERT kinds keep their free form.
		if _, err := d.e.Open(ctx, d.reporter, cases.OpenInput{Service: "cert", Kind: "dispatch", Form: []byte(`{"summary":"x"}`)}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSubmitStoresNormalisedIndicators(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		code := d.report(t, `{"summary":"باج‌افزار","tlp":"amber","first_seen":"1405/01/14",
			"indicators":"hxxp://evil[.]ir/x\nhttp://EVIL.ir/x\n1.2.3[.]4\nuser[@]evil.ir\nD41D8CD98F00B204E9800998ECF8427E"}`)
		iv, err := d.s.Incident(context.Background(), d.reporter, code)
		if err != nil {
			t.Fatal(err)
		}
		if iv.Label != tlp.Amber || iv.Record == nil || len(iv.Indicators) != 4 {
			t.Fatalf("label %v record %v indicators %v", iv.Label, iv.Record, iv.Indicators)
		}
		if iv.Indicators[0] != (incident.Indicator{Type: incident.URL, Value: "http://evil.ir/x", TLP: tlp.Amber}) {
			t.Fatalf("first indicator %+v", iv.Indicators[0])
		}
		n, err := d.s.AddIndicators(context.Background(), d.responder, code, []byte(`["1.2.3.4","5.6.7[.]8"]`), "red")
		if err != nil || n != 1 {
			t.Fatalf("added %d, %v", n, err)
		}
		_, err = d.s.AddIndicators(context.Background(), d.responder, code, []byte(`["999.1.1.1"]`), "")
		if pe := problem.As(err); pe.Field != "indicators[0]" {
			t.Fatalf("bad indicator: %v", err)
		}
		if _, err := d.s.AddIndicators(context.Background(), d.reporter, code, []byte(`["9.9.9.9"]`), ""); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("the applicant added indicators: %v", err)
		}
	})
}

// TestNeedToKnow: issue 15 — an incident is readable by the staff it is assigned to
// and supervisors; other CERT staff get not-found (404, not 403) but keep the queue line.
func TestNeedToKnow(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		code := d.report(t, `{"summary":"نفوذ"}`)
		// Unassigned: the on-duty pool (responders, analysts) may pick it up.
		if _, err := d.s.Incident(ctx, d.responder2, code); err != nil {
			t.Fatalf("unassigned incident hidden from a responder: %v", err)
		}
		if err := d.e.Claim(ctx, d.responder, code); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			name string
			err  error
		}{
			{"incident", func() error { _, err := d.s.Incident(ctx, d.responder2, code); return err }()},
			{"get", func() error { _, err := d.e.Get(ctx, d.responder2, code); return err }()},
			{"case view", func() error { _, err := d.e.CaseView(ctx, d.responder2, code); return err }()},
			{"history", func() error { _, err := d.e.History(ctx, d.responder2, code); return err }()},
			{"messages", func() error { _, err := d.e.Messages(ctx, d.responder2, code); return err }()},
			{"documents", func() error { _, err := d.e.Documents(ctx, d.analyst, code); return err }()},
			{"step", func() error {
				_, err := d.e.Transition(ctx, d.responder2, code, cases.TransitionInput{Transition: "take"})
				return err
			}()},
			{"triage", d.s.Triage(ctx, d.responder2, code, "fraud", "phishing", "low")},
			{"export", d.s.Export(ctx, d.analyst, code, FormatSTIX, &discard{})},
			{"other service's staff", func() error { _, err := d.s.Incident(ctx, d.certifyExpert, code); return err }()},
		} {
			if pe := problem.As(p.err); pe.Code != problem.NotFound {
				t.Errorf("%s by staff without need-to-know: %v", p.name, p.err)
			}
		}
		for name, p := range map[string]func() error{
			"assignee":   func() error { _, err := d.s.Incident(ctx, d.responder, code); return err },
			"supervisor": func() error { _, err := d.s.Incident(ctx, d.supervisor, code); return err },
			"reporter":   func() error { _, err := d.s.Incident(ctx, d.reporter, code); return err },
			"colleague":  func() error { _, err := d.s.Incident(ctx, d.colleague, code); return err },
		} {
			if err := p(); err != nil {
				t.Errorf("%s cannot read: %v", name, err)
			}
		}
		if _, err := d.s.Incident(ctx, d.outsider, code); problem.As(err).Code != problem.NotFound {
			t.Errorf("another organisation: %v", err)
		}
		q, err := d.s.Queue(ctx, d.responder2, "cert")
		if err != nil || len(q) != 1 || q[0].TrackingCode != code {
			t.Fatalf("the queue line is gone for other staff: %v %v", q, err)
		}
	})
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// TestTriageSelectsTargetsAndStartsHandling: issue 15 — triage on RSIT with the
// catalog's severity targets, taken with the first response, audited.
func TestTriageSelectsTargetsAndStartsHandling(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		code := d.report(t, `{"summary":"phishing"}`)
		reported := d.clock.Now()
		d.clock.Add(10 * time.Minute)
		err := d.s.Triage(ctx, d.responder, code, "Frauds", "phishing", "high")
		wantCode(t, err, problem.Invalid, "cert.triage.class")
		wantCode(t, d.s.Triage(ctx, d.responder, code, "fraud", "spam", "high"), problem.Invalid, "cert.triage.type")
		wantCode(t, d.s.Triage(ctx, d.responder, code, "fraud", "phishing", "urgent"), problem.Invalid, "cert.triage.severity")
		wantCode(t, d.s.Triage(ctx, d.reporter, code, "fraud", "phishing", "high"), problem.Forbidden, "cert.forbidden")
		if v, _ := d.e.Get(ctx, d.responder, code); v.State != "reported" {
			t.Fatalf("a refused triage moved the case to %s", v.State)
		}
		if err := d.s.Triage(ctx, d.responder, code, "Fraud", "Phishing", "HIGH"); err != nil {
			t.Fatal(err)
		}
		iv, err := d.s.Incident(ctx, d.responder, code)
		if err != nil {
			t.Fatal(err)
		}
		r := iv.Record
		if iv.Case.State != "handling" || r.Class != "fraud" || r.Type != "phishing" || r.Severity != "high" ||
			!r.ResponseDue.Equal(reported.Add(30*time.Minute)) || !r.ResolutionDue.Equal(reported.Add(24*time.Hour)) {
			t.Fatalf("state %s record %+v", iv.Case.State, r)
		}
		if err := d.s.Triage(ctx, d.responder, code, "intrusions", "system_compromise", "critical"); err != nil {
			t.Fatal(err)
		}
		iv, _ = d.s.Incident(ctx, d.responder, code)
		if iv.Record.Severity != "critical" || !iv.Record.ResolutionDue.Equal(reported.Add(4*time.Hour)) {
			t.Fatalf("re-triage: %+v", iv.Record)
		}
		entries, err := audit.ForObject(ctx, db, "case", code)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "cert.triage" {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d triage audit entries", n)
		}
	})
}
