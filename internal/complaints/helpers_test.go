package complaints

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// fixture is one certify case of applicant worked by expert and signer; the committee
// has four members, one of whom (expertMember) also took a step on the case.
type fixture struct {
	d     *Service
	db    *store.DB
	clock *storetest.Clock
	code  string
	// applicant owns the case; other is another applicant.
	applicant, other                     *identity.Principal
	expert, signer, supervisor           *identity.Principal
	expertMember, member1, member2, mem3 *identity.Principal
	nonMember                            *identity.Principal
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-21 is a Saturday, a working day in Tehran.
	f := &fixture{db: db, clock: storetest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()))}
	db.Now = f.clock.Now
	f.d = &Service{DB: db, Catalog: cases.StaticCatalog(svcs), Calendar: sla.NationalDefault, Now: f.clock.Now}
	ids := map[string]int64{}
	grants := map[string][]identity.Role{
		"expert": {identity.Expert}, "signer": {identity.Signer}, "supervisor": {identity.Supervisor},
		"expertMember": {identity.Expert, identity.Committee}, "member1": {identity.Committee},
		"member2": {identity.Committee}, "mem3": {identity.Committee}, "nonMember": {identity.Analyst},
	}
	err = db.Update(ctx, func(tx *store.Tx) error {
		for i, name := range []string{"applicant", "other"} {
			pid, err := identity.CreatePerson(ctx, tx, identity.Person{NationalCode: []string{"0012345679", "0071234561"}[i], NameFa: name})
			if err != nil {
				return err
			}
			if ids[name], err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: name, Kind: identity.KindPerson,
				PersonID: pid, Email: name + "@example.org"}); err != nil {
				return err
			}
		}
		for _, name := range []string{"expert", "signer", "supervisor", "expertMember", "member1", "member2", "mem3", "nonMember"} {
			id, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: name, Kind: identity.KindStaff, Email: name + "@ito.example"})
			if err != nil {
				return err
			}
			for _, r := range grants[name] {
				if err := identity.Grant(ctx, tx, id, "certify", r); err != nil {
					return err
				}
			}
			ids[name] = id
		}
		var person int64
		if err := tx.QueryRow(ctx, "SELECT person_id FROM accounts WHERE id = ?", ids["applicant"]).Scan(&person); err != nil {
			return err
		}
		f.code, err = cases.NewTrackingCode(nil)
		if err != nil {
			return err
		}
		caseID, err := tx.InsertID(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_person_id, applicant_type, created_at) VALUES (?, 'certify', 1, 'application', 'rejected', 'none', ?, ?, 'person', 0)`,
			f.code, ids["applicant"], person)
		if err != nil {
			return err
		}
		// The signer's rejection closes the case (holder none), so that it can be reopened.
		for seq, ev := range []struct {
			actor        int64
			role, holder string
			state        string
		}{{ids["applicant"], "applicant", "organization", "completeness_check"}, {ids["expert"], "expert", "organization", "technical_review"},
			{ids["expertMember"], "expert", "organization", "approval"}, {ids["signer"], "signer", "none", "rejected"}} {
			if _, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, to_state, holder, actor_account_id, actor_role)
				VALUES (?, ?, 0, ?, ?, ?, ?)`, caseID, seq+1, ev.state, ev.holder, ev.actor, ev.role); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	load := func(name string) *identity.Principal {
		var p *identity.Principal
		if err := db.View(ctx, func(tx *store.Tx) error {
			var err error
			p, err = identity.LoadPrincipal(ctx, tx, ids[name], 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.applicant, f.other = load("applicant"), load("other")
	f.expert, f.signer, f.supervisor = load("expert"), load("signer"), load("supervisor")
	f.expertMember, f.member1, f.member2, f.mem3 = load("expertMember"), load("member1"), load("member2"), load("mem3")
	f.nonMember = load("nonMember")
	return f
}

// wantCode fails unless err is a problem with the code.
func wantCode(t *testing.T, err error, code problem.Code, what string) {
	t.Helper()
	var pe *problem.Error
	if !errors.As(err, &pe) || pe.Code != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

// count returns a COUNT(*) query's answer.
func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.View(context.Background(), func(tx *store.Tx) error { return tx.QueryRow(context.Background(), q, args...).Scan(&n) }); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", q, err))
	}
	return n
}
