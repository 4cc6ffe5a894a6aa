package outages

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

type fixture struct {
	s     *Service
	clock *storetest.Clock
	svcs  []*catalog.Service
	admin *identity.Principal
	// accounts by name: inflight and draft have open certify cases, closed a closed
	// one, other an open cert case.
	accounts map[string]int64
	cases    map[string]int64
	codes    map[string]string
}

// start is Saturday 2026-11-21 09:00 in Tehran, inside working hours.
var start = time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran())

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{clock: storetest.NewClock(start), svcs: svcs, accounts: map[string]int64{}, cases: map[string]int64{}, codes: map[string]string{}}
	f.s = &Service{DB: db, Now: f.clock.Now,
		Services: func(context.Context) ([]*catalog.Service, error) { return svcs, nil }}
	b := fixtures.New(t, db, f.clock)
	f.admin = b.Admin("admin")
	for _, name := range []string{"inflight", "draft", "closed", "other"} {
		f.accounts[name] = b.Account(identity.NewAccount{Username: name, Kind: identity.KindPerson, Email: name + "@example.ir"}).ID
	}
	// The cases are stored in the states the notices depend on, not walked there.
	err = db.Update(ctx, func(tx *store.Tx) error {
		for _, c := range []struct{ name, service, state, holder string }{
			{"inflight", "certify", "technical_review", "organization"},
			{"draft", "certify", "draft", "applicant"},
			{"closed", "certify", "issued", "none"},
			{"other", "cert", "handling", "organization"},
		} {
			acc := f.accounts[c.name]
			closed := int64(0)
			if c.holder == "none" {
				closed = store.Millis(start.Add(-time.Hour))
			}
			submitted := store.Millis(start.Add(-48 * time.Hour))
			if c.state == "draft" {
				submitted = 0
			}
			kind := "application"
			if c.service == "cert" {
				kind = "incident"
			}
			code, err := cases.NewTrackingCode(nil)
			if err != nil {
				return err
			}
			cid, err := tx.InsertID(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
				applicant_account_id, applicant_type, created_at, submitted_at, closed_at)
				VALUES (?, ?, 1, ?, ?, ?, ?, 'person', ?, ?, ?)`, code, c.service, kind, c.state, c.holder,
				acc, store.Millis(start.Add(-72*time.Hour)), submitted, closed)
			if err != nil {
				return err
			}
			f.cases[c.name], f.codes[c.name] = cid, code
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// notices counts the in-app notices of an account.
func notices(t *testing.T, db *store.DB, account int64) int {
	t.Helper()
	var n int
	err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM notifications WHERE account_id = ?", account).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// emails counts the queued e-mails to an address.
func emails(t *testing.T, db *store.DB, to string) int {
	t.Helper()
	var n int
	err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM outbox WHERE recipient = ? AND ref_kind = 'outage'", to).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
