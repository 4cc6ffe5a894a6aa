package slareport

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

type ev struct {
	at     time.Time
	holder string
	pause  string
}

// insertCase writes a submitted and closed case with its history as the engine
// would; its form carries text that must never reach a report (D-1).
func insertCase(t *testing.T, db *store.DB, applicant int64, service, kind string, evs []ev) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		code, err := cases.NewTrackingCode(nil)
		if err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_type, form, created_at, submitted_at, closed_at)
			VALUES (?, ?, 1, ?, 'x', 'none', ?, 'person', '{"product":"SECRET-FORM-TEXT"}', ?, ?, ?)`,
			code, service, kind, applicant, store.Millis(evs[0].at), store.Millis(evs[0].at), store.Millis(evs[len(evs)-1].at))
		if err != nil {
			return err
		}
		for i, e := range evs {
			if _, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, to_state, holder, pause, resubmission, actor_account_id)
				VALUES (?, ?, ?, 'x', ?, ?, ?, ?)`, id, i+1, store.Millis(e.at), e.holder, e.pause, false, applicant); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func figure(t *testing.T, rep *Report, obligation, name, kind string) *float64 {
	t.Helper()
	for _, o := range rep.Obligations {
		if o.ID != obligation {
			continue
		}
		for _, f := range o.Figures {
			if f.Name == name && f.Kind == kind {
				return f.Value
			}
		}
		t.Fatalf("%s has no figure %s/%s: %+v", obligation, name, kind, o.Figures)
	}
	t.Fatalf("no obligation %s", obligation)
	return nil
}

// TestMonthCloseReportsEveryObligation_20 closes Ordibehesht 1405 with two known
// CERTIFY applications and checks every figure of the signed report against values
// worked out by hand; the report is in the transparency log, verifies offline,
// refuses a tampered copy and one that is not in the log, and a correction names
// the version it replaces while both stay published.
func TestMonthCloseReportsEveryObligation_20(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		teh := jalali.Tehran()
		clock := storetest.NewClock(time.Date(2026, 5, 22, 1, 0, 0, 0, teh)) // 1405-03-01, the month after
		f := fixtures.New(t, db, clock)
		applicant := f.Applicant("reporter-applicant")
		supervisor := f.Staff("reporter-supervisor", map[string][]identity.Role{"certify": {identity.Supervisor}})
		// A: Saturday 09:00 → Monday 09:00, two working days with the Organization.
		insertCase(t, db, applicant.ID, "certify", "application", []ev{
			{time.Date(2026, 4, 25, 9, 0, 0, 0, teh), "organization", ""}, {time.Date(2026, 4, 27, 9, 0, 0, 0, teh), "none", ""}})
		// B: two working days with the Organization around two with the applicant.
		insertCase(t, db, applicant.ID, "certify", "application", []ev{
			{time.Date(2026, 5, 2, 9, 0, 0, 0, teh), "organization", ""}, {time.Date(2026, 5, 3, 9, 0, 0, 0, teh), "applicant", "incomplete"},
			{time.Date(2026, 5, 5, 9, 0, 0, 0, teh), "organization", ""}, {time.Date(2026, 5, 6, 9, 0, 0, 0, teh), "none", ""}})
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		ring, err := keys.Open(t.TempDir(), clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		lg, err := certify.NewLog(db, ring, "miz.test/log")
		if err != nil {
			t.Fatal(err)
		}
		cal := sla.NationalDefault()
		s := &Service{DB: db, Keys: ring, Log: lg, Catalog: cases.StaticCatalog(svcs), Now: clock.Now,
			KPI:      &kpi.Computer{DB: db, Catalog: cases.StaticCatalog(svcs), Calendar: func() *sla.Calendar { return cal }, Now: clock.Now},
			Services: func(context.Context) ([]string, error) { return []string{"certify"}, nil },
			Sources: map[string]Source{"Z-4.1": func(context.Context, string, time.Time, time.Time) ([]Figure, error) {
				return []Figure{{Name: "certificates_issued", Value: num(0)}}, nil
			}}}
		if n, err := s.Close(ctx); err != nil || n != 1 {
			t.Fatalf("close: %d %v, want 1 report", n, err)
		}
		if n, err := s.Close(ctx); err != nil || n != 0 {
			t.Fatalf("close again: %d %v, want nothing new", n, err)
		}
		pub, err := s.Get(ctx, "certify", "1405-02", 1)
		if err != nil {
			t.Fatal(err)
		}
		rep := &pub.Report
		want := map[string]float64{"received": 2, "completed": 2, "on_time": 2, "on_time_percent": 100}
		for name, v := range want {
			if got := figure(t, rep, "C-4.1", name, ""); got == nil || *got != v {
				t.Errorf("C-4.1 %s = %v, want %v", name, got, v)
			}
		}
		for name, v := range map[string]float64{"delivery_median": 2, "delivery_p90": 2, "paused_median": 1} {
			if got := figure(t, rep, "C-4.1", name, "application"); got == nil || *got != v {
				t.Errorf("C-4.1 application %s = %v, want %v business days", name, got, v)
			}
		}
		byID := map[string]Obligation{}
		for _, o := range rep.Obligations {
			byID[o.ID] = o
		}
		if len(rep.Obligations) != len(svcObligations(svcs, "certify")) {
			t.Errorf("%d obligations in the report, the SLA has %d", len(rep.Obligations), len(svcObligations(svcs, "certify")))
		}
		if byID["A-4.1"].Measure != MeasureParty || byID["C-4.4"].Measure != MeasureNone || byID["Z-4.1"].Measure != MeasureFigures {
			t.Errorf("measures: A-4.1 %q, C-4.4 %q (no availability source), Z-4.1 %q", byID["A-4.1"].Measure, byID["C-4.4"].Measure, byID["Z-4.1"].Measure)
		}
		if rep.CatalogVersion < 1 || rep.Period != "1405-02" || strings.Contains(pub.JWS, "SECRET") {
			t.Errorf("report %s v%d", rep.Period, rep.CatalogVersion)
		}
		raw, _ := json.Marshal(pub)
		if strings.Contains(string(raw), "SECRET-FORM-TEXT") {
			t.Fatal("a form reached the report (D-1)")
		}

		// Offline verification with the proof, then a tampered copy, then one not in the log.
		proof, err := s.Proof(ctx, pub)
		if err != nil {
			t.Fatal(err)
		}
		vkey, err := ring.NoteVerifierKey("miz.test/log")
		if err != nil {
			t.Fatal(err)
		}
		in := VerifyInput{Report: raw, JWKS: ring.JWKS(), Proof: proof, LogKeys: []string{vkey}, RequireProof: true}
		if v, err := Verify(in); err != nil || v.LogIndex != pub.LogIndex || v.Report.ID != "certify/1405-02/1" {
			t.Fatalf("verify: %+v %v", v, err)
		}
		tampered := strings.Replace(string(raw), `"name":"on_time_percent","value":100`, `"name":"on_time_percent","value":99`, 1)
		if tampered == string(raw) {
			t.Fatal("the test did not tamper with the report")
		}
		in.Report = []byte(tampered)
		if _, err := Verify(in); !errors.Is(err, ErrNotValid) || !strings.Contains(err.Error(), "differ") {
			t.Fatalf("tampered report: %v", err)
		}
		forged, _ := ring.SignJWS([]byte(strings.Replace(string(mustJSON(rep)), `"version":1`, `"version":7`, 1)))
		in.Report, in.Proof = []byte(forged), proof
		if _, err := Verify(in); !errors.Is(err, ErrNotValid) || !strings.Contains(err.Error(), "another report") {
			t.Fatalf("a signed report that is not in the log: %v", err)
		}
		in.Proof = nil
		if _, err := Verify(in); !errors.Is(err, ErrNotValid) {
			t.Fatalf("a report without a proof of inclusion passed with RequireProof")
		}

		// A correction: a new version naming the old, both published.
		if _, err := s.Correct(ctx, applicant, "certify", "1405-02", "a case was counted twice"); err == nil {
			t.Fatal("an applicant corrected a report")
		}
		v2, err := s.Correct(ctx, supervisor, "certify", "1405-02", "a complaint was recorded late")
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.Replaces != "certify/1405-02/1" || v2.LogIndex == pub.LogIndex {
			t.Fatalf("correction %+v", v2.Report)
		}
		list, err := s.List(ctx)
		if err != nil || len(list) != 2 || list[1].ReplacedBy != "certify/1405-02/2" {
			t.Fatalf("list after correction: %d %v", len(list), err)
		}
		exp, err := ExpectedRecords(ctx, db)
		if err != nil || len(exp) != 2 {
			t.Fatalf("expected records %d %v", len(exp), err)
		}
		for _, e := range exp {
			got, err := lg.Record(ctx, e.Index)
			if err != nil || string(got) != string(e.Record) {
				t.Fatalf("log record %d = %s, the table says %s (%v)", e.Index, got, e.Record, err)
			}
		}
	})
}

func svcObligations(svcs []*catalog.Service, id string) []catalog.Obligation {
	for _, s := range svcs {
		if s.ID == id {
			return s.Obligations
		}
	}
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
