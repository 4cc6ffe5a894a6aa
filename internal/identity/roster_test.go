package identity_test

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestShiftCoversTehranTime_Issue14: weekly windows are read in Tehran time, a night
// shift covers the small hours after a listed day, and a date range bounds a shift.
func TestShiftCoversTehranTime_Issue14(t *testing.T) {
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, jalali.Tehran()) } // the 21st is a Saturday
	night := identity.Shift{Weekdays: "0", StartMin: 22 * 60, EndMin: 8 * 60}                            // Saturday night
	office := identity.Shift{Weekdays: "0123", StartMin: 8 * 60, EndMin: 16 * 60}
	ranged := identity.Shift{FromDay: "2026-11-22", ToDay: "2026-11-23", EndMin: 1440}
	for _, c := range []struct {
		name string
		s    identity.Shift
		at   time.Time
		want bool
	}{
		{"night, Saturday 23:00", night, at(21, 23, 0), true},
		{"night, Sunday 03:00", night, at(22, 3, 0), true},
		{"night, Sunday 23:00", night, at(22, 23, 0), false},
		{"office, Tuesday 08:00", office, at(24, 8, 0), true},
		{"office, Wednesday 08:00", office, at(25, 8, 0), false},
		{"office, Saturday 16:00", office, at(21, 16, 0), false},
		{"office at 04:40 UTC is 08:10 Tehran", office, time.Date(2026, 11, 21, 4, 40, 0, 0, time.UTC), true},
		{"range, inside", ranged, at(23, 12, 0), true},
		{"range, after", ranged, at(24, 0, 0), false},
	} {
		if got := c.s.Covers(c.at); got != c.want {
			t.Errorf("%s: covers = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestRosterIsAdminOnlyAndNamesOnDuty_Issue14: only an administrator edits the
// roster, bad input is refused and stores nothing, and OnDuty answers per service.
func TestRosterIsAdminOnlyAndNamesOnDuty_Issue14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var staff, person int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			if staff, err = tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('resp', 'staff', 0)`); err != nil {
				return err
			}
			person, err = tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('app', 'person', 0)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		r := &identity.Roster{DB: db}
		admin := &identity.Principal{Account: identity.Account{ID: staff, Admin: true, Kind: identity.KindStaff}}
		nobody := &identity.Principal{Account: identity.Account{ID: staff, Kind: identity.KindStaff}}
		shift := identity.Shift{Service: "cert", AccountID: staff, StartMin: 0, EndMin: 1440}
		if _, err := r.Add(ctx, nobody, shift); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("non-admin add: %v", err)
		}
		for _, bad := range []identity.Shift{
			{Service: "cert", AccountID: person, EndMin: 1440},
			{Service: "cert", AccountID: staff, Weekdays: "7", EndMin: 1440},
			{Service: "cert", AccountID: staff, FromDay: "2026-12-01", ToDay: "2026-11-01", EndMin: 1440},
			{Service: "", AccountID: staff},
		} {
			if _, err := r.Add(ctx, admin, bad); problem.As(err).Code != problem.Invalid {
				t.Fatalf("bad shift %+v: %v", bad, err)
			}
		}
		id, err := r.Add(ctx, admin, shift)
		if err != nil {
			t.Fatal(err)
		}
		var onCert, onCertify []int64
		err = db.View(ctx, func(tx *store.Tx) error {
			var err error
			if onCert, err = identity.OnDuty(ctx, tx, "cert", time.Now()); err != nil {
				return err
			}
			onCertify, err = identity.OnDuty(ctx, tx, "certify", time.Now())
			return err
		})
		if err != nil || len(onCert) != 1 || onCert[0] != staff || len(onCertify) != 0 {
			t.Fatalf("on duty: cert %v, certify %v, %v", onCert, onCertify, err)
		}
		if err := r.Remove(ctx, admin, id); err != nil {
			t.Fatal(err)
		}
		if list, err := r.List(ctx, admin); err != nil || len(list) != 0 {
			t.Fatalf("roster after remove: %v %v", list, err)
		}
	})
}
