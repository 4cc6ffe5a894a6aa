package desk

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// tehranAt is a wall time in Asia/Tehran in November 2026; the 21st is a Saturday.
func tehranAt(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, jalali.Tehran())
}

type fixture struct {
	t     *testing.T
	db    *store.DB
	d     *Service
	clock *storetest.Clock
	// org applies for a company, person for themself; outsider has no case.
	org, person, outsider     *identity.Principal
	expert, supervisor, other *identity.Principal
}

// newFixture opens a desk on the default catalog, with certify publishing maxVisits
// in-person visits.
func newFixture(t *testing.T, db *store.DB, maxVisits int) *fixture {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range svcs {
		if s.ID == "certify" {
			cp := *s
			cp.MaxVisits = maxVisits
			svcs[i] = &cp
		}
	}
	f := &fixture{t: t, db: db, clock: storetest.NewClock(tehranAt(24, 10, 30))}
	f.d = &Service{DB: db, Catalog: cases.StaticCatalog(svcs), Calendar: sla.NationalDefault, Now: f.clock.Now}
	b := fixtures.New(t, db, f.clock)
	f.org = b.OrgApplicant("company", "legal")
	f.person = b.Applicant("person")
	f.outsider = b.Applicant("outsider")
	f.expert = b.Staff("expert", map[string][]identity.Role{"certify": {identity.Expert}})
	f.supervisor = b.Staff("supervisor", map[string][]identity.Role{"certify": {identity.Supervisor}})
	f.other = b.Staff("other", map[string][]identity.Role{"cert": {identity.Expert}})
	return f
}

// caseFor stores a submitted certify case of the company, held by the Organization
// with a case deadline dueAt, and returns its tracking code.
func (f *fixture) caseFor(dueAt time.Time) (string, int64) {
	f.t.Helper()
	ctx := context.Background()
	code, err := cases.NewTrackingCode(nil)
	if err != nil {
		f.t.Fatal(err)
	}
	var id int64
	err = f.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_org_id, applicant_type, created_at, submitted_at, due_at)
			VALUES (?, 'certify', 1, 'application', 'review', 'organization', ?, ?, 'org', ?, ?, ?)`,
			code, f.org.ID, f.org.OrgID, store.Millis(f.clock.Now()), store.Millis(f.clock.Now()), store.Millis(dueAt))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, to_state, holder, transition, actor_account_id, actor_role)
			VALUES (?, 1, ?, 'review', 'organization', 'submit', ?, 'applicant')`, id, store.Millis(f.clock.Now()), f.org.ID)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return code, id
}

// act records that staff p took a step on the case, as the case engine would.
func (f *fixture) act(caseID int64, seq int, p *identity.Principal, role string) {
	f.t.Helper()
	ctx := context.Background()
	err := f.db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, to_state, holder, transition, actor_account_id, actor_role)
			VALUES (?, ?, ?, 'review', 'organization', 'step', ?, ?)`, caseID, seq, store.Millis(f.clock.Now()), p.ID, role)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// close marks the case closed now, as a final state of its process would.
func (f *fixture) close(caseID int64) {
	f.t.Helper()
	ctx := context.Background()
	err := f.db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE cases SET state = 'issued', holder = 'none', closed_at = ?, due_at = 0 WHERE id = ?`,
			store.Millis(f.clock.Now()), caseID)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// count returns the number of rows of a table, to show that a refusal changed nothing.
func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	err := f.db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
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

func budgetHours(h int) sla.Budget { return sla.Budget{Amount: h, Unit: sla.BusinessHours} }
