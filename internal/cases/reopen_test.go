package cases

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// resolvedIncident submits a 24-hour CERT incident, handles it for two hours and
// closes it.
func resolvedIncident(t *testing.T, f *fixture) *Case {
	t.Helper()
	c := f.open(t, f.gov, "cert", "incident")
	if _, err := f.e.Submit(context.Background(), f.gov, c.TrackingCode); err != nil {
		t.Fatal(err)
	}
	f.move(t, f.responder, c.TrackingCode, "take", "", "")
	f.clock.Add(2 * time.Hour)
	return f.move(t, f.responder, c.TrackingCode, "resolve", DecisionApprove, "")
}

// TestReopenResumesTheClockWithoutTheClosedInterval_SLAClock6: a supervisor reopens a
// resolved incident; it goes back to the first organization-held state, closed_at is
// cleared, and the clock continues from the two hours used before closing — the day it
// was closed does not count and the budget does not start again.
func TestReopenResumesTheClockWithoutTheClosedInterval_SLAClock6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := resolvedIncident(t, f)
		if c.ClosedAt.IsZero() || c.Holder != "none" {
			t.Fatalf("case %+v: want closed", c)
		}
		f.clock.Add(24 * time.Hour)

		wantCode(t, f.e.Reopen(ctx, f.responder, c.TrackingCode, "x"), problem.Forbidden, "cases.transition.role")
		wantCode(t, f.e.Reopen(ctx, f.gov, c.TrackingCode, "x"), problem.Forbidden, "cases.transition.role")
		wantCode(t, f.e.Reopen(ctx, f.person, c.TrackingCode, "x"), problem.NotFound, "cases.not_found")
		wantCode(t, f.e.Reopen(ctx, f.supervisor, c.TrackingCode, "  "), problem.Invalid, "cases.reason.required")
		wantCode(t, f.e.ReopenCase(ctx, f.supervisor, c.TrackingCode, ReopenInput{Reason: "x", State: "resolved"}),
			problem.Invalid, "cases.transition.unknown")

		if err := f.e.Reopen(ctx, f.supervisor, c.TrackingCode, "گزارش فنی ناقص بود"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.e.Reopen(ctx, f.supervisor, c.TrackingCode, "again"), problem.Conflict, "cases.transition.wrong_state")
		f.clock.Add(time.Hour)
		v, err := f.e.Get(ctx, f.supervisor, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.State != "reported" || v.Holder != "organization" || !v.ClosedAt.IsZero() {
			t.Fatalf("reopened case: state %s holder %s closed %v; want reported, organization, not closed", v.State, v.Holder, v.ClosedAt)
		}
		if v.Clock.Stopped || v.Clock.Paused || v.Clock.UsedSeconds != 3*3600 {
			t.Fatalf("clock %+v: want running with 3 h used (2 h before closing, 1 h after reopening)", v.Clock)
		}
		hist, err := f.e.History(ctx, f.gov, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if last.Transition != ReopenTransition || last.Holder != "organization" || last.Reason != "گزارش فنی ناقص بود" || last.ActorAccountID != f.supervisor.ID {
			t.Fatalf("history event %+v: want the reopening with its reason", last)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.reopened' AND object_id = ?", c.TrackingCode); n != 1 {
			t.Fatalf("%d audit entries for the reopening, want 1", n)
		}
	})
}

// TestReopenOrderedByCommitteeDecision_C45: the complaints desk reopens a closed case in
// its own transaction on a committee decision, to a state the remedy names; without a
// named decision it refuses.
func TestReopenOrderedByCommitteeDecision_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := resolvedIncident(t, f)
		member := &identity.Principal{Account: identity.Account{ID: f.expert.ID, Kind: identity.KindStaff},
			Grants: map[string][]identity.Role{"cert": {identity.Committee}}}
		err := db.Update(ctx, func(tx *store.Tx) error {
			return f.e.ReopenOrdered(ctx, tx, member, c.TrackingCode, ReopenInput{Reason: "x"})
		})
		if err == nil {
			t.Fatal("an ordered reopening without its decision was accepted")
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			tx.Now = f.clock.Now().UTC().Truncate(time.Millisecond)
			return f.e.ReopenOrdered(ctx, tx, member, c.TrackingCode,
				ReopenInput{Reason: "رأی کمیته", State: "handling", Authority: "complaint:TEST"})
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.e.Get(ctx, f.supervisor, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.State != "handling" || !v.ClosedAt.IsZero() {
			t.Fatalf("state %s, closed %v: want handling, open", v.State, v.ClosedAt)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.reopened' AND summary LIKE '%complaint:TEST%'"); n != 1 {
			t.Fatalf("%d audit entries naming the decision, want 1", n)
		}
	})
}

func countRows(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), q, args...).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}
