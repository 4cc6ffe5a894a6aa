package catalogdb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// tehranDay is 10:00 on a day of November 2026 in Tehran.
func tehranDay(day int) time.Time { return time.Date(2026, 11, day, 10, 0, 0, 0, jalali.Tehran()) }

type fixture struct {
	st    *catalogdb.Store
	clock *storetest.Clock
	// editor writes drafts; editor2 is another editor; supervisor publishes.
	editor, editor2, supervisor, admin *identity.Principal
	// alice and bob are applicants (persons); carol is a third.
	alice, bob, carol *identity.Principal
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{clock: storetest.NewClock(tehranDay(21))}
	db.Now = f.clock.Now
	f.st = catalogdb.New(db)
	f.st.Now = f.clock.Now
	srcs, err := catalog.DefaultSources()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.Seed(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	b := fixtures.New(t, db, f.clock)
	all := func(r identity.Role) map[string][]identity.Role {
		return map[string][]identity.Role{identity.AllServices: {r}}
	}
	f.editor, f.editor2 = b.Staff("editor", all(identity.Editor)), b.Staff("editor2", all(identity.Editor))
	f.supervisor = b.Staff("supervisor", map[string][]identity.Role{"certify": {identity.Supervisor}})
	f.admin = b.Admin("admin")
	person := func(name string) *identity.Principal { // applicants are told by mail too
		return b.Account(identity.NewAccount{Username: name, Kind: identity.KindPerson, PersonID: b.Person(identity.Person{}),
			Email: name + "@example.ir"})
	}
	f.alice, f.bob, f.carol = person("alice"), person("bob"), person("carol")
	return f
}

// addCase inserts a case row of an applicant on a service version; closed cases
// carry a closing instant.
func addCase(t *testing.T, db *store.DB, p *identity.Principal, service string, version int, closed bool) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		var closedAt int64
		if closed {
			closedAt = store.Millis(tx.Now)
		}
		_, err := tx.Exec(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_type, created_at, closed_at) VALUES (?, ?, ?, 'application', 'draft', 'applicant', ?, 'person', ?, ?)`,
			fmt.Sprintf("T%d%s%v", p.ID, service, closed), service, version, p.ID, store.Millis(tx.Now), closedAt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// draftV2 is the CERTIFY file as version 2, for a new SLA period.
func draftV2(t *testing.T) string {
	t.Helper()
	srcs, err := catalog.DefaultSources()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(srcs[0].Data), "version: 1", "version: 2", 1)
	return strings.Replace(text, "to: 2022-03-20", "to: 2027-03-20", 1) // a new SLA period
}
