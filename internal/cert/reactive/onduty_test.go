package reactive

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestNeedToKnowFollowsTheDutyRoster: with a duty roster, the responder on duty
// reads every incident (held by someone else too), a responder off duty reads only
// what is assigned to them, and supervisors read everything; without anyone on
// duty, the service's responders stand in for the roster on incidents nobody holds.
func TestNeedToKnowFollowsTheDutyRoster(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		held := d.report(t, `{"summary":"held by responder"}`)
		free := d.report(t, `{"summary":"nobody holds it"}`)
		if err := d.s.Triage(ctx, d.responder, held, "availability", "ddos", "high"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.s.Incident(ctx, d.responder2, free); err != nil {
			t.Fatalf("no roster: a responder cannot pick up an unheld incident: %v", err)
		}
		if _, err := d.s.Incident(ctx, d.responder2, held); problem.As(err).Code != problem.NotFound {
			t.Fatalf("no roster: another responder read a held incident: %v", err)
		}
		admin := &identity.Principal{Account: identity.Account{ID: d.supervisor.ID, Kind: identity.KindStaff, Admin: true}}
		if _, err := (&identity.Roster{DB: db}).Add(ctx, admin, identity.Shift{Service: "cert", AccountID: d.responder2.ID,
			StartMin: 0, EndMin: 0}); err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{held, free} {
			if _, err := d.s.Incident(ctx, d.responder2, code); err != nil {
				t.Fatalf("the on-duty responder cannot read %s: %v", code, err)
			}
			if _, err := d.s.Incident(ctx, d.supervisor, code); err != nil {
				t.Fatalf("the supervisor cannot read %s: %v", code, err)
			}
		}
		if _, err := d.s.Incident(ctx, d.analyst, free); problem.As(err).Code != problem.NotFound {
			t.Fatalf("an analyst off duty read an unheld incident while someone is on duty: %v", err)
		}
		if _, err := d.s.Incident(ctx, d.responder, held); err != nil {
			t.Fatalf("the assigned responder, off duty, lost their incident: %v", err)
		}
	})
}
