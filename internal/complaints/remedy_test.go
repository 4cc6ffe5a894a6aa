package complaints

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// upheld escalates a negotiation on the fixture's (closed) case and has three
// members uphold it.
func upheld(t *testing.T, f *fixture) *Complaint {
	t.Helper()
	k := escalated(t, f)
	for _, p := range []*identity.Principal{f.member1, f.member2, f.mem3} {
		if err := f.d.CastVote(context.Background(), p, k.ID, OutcomeUpheld, ""); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

// caseState reads the fixture case's state, holder and closed_at.
func caseState(t *testing.T, f *fixture) (state, holder string, closed int64) {
	t.Helper()
	err := f.db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT state, holder, closed_at FROM cases WHERE tracking_code = ?", f.code).
			Scan(&state, &holder, &closed)
	})
	if err != nil {
		t.Fatal(err)
	}
	return state, holder, closed
}

// TestReopenRemedyCarriedOutWithTheDecision_C45: when the decision orders the case
// reopened and the case is closed, Miz reopens it in the decision's transaction and
// records the remedy done; the other remedies wait for a supervisor.
func TestReopenRemedyCarriedOutWithTheDecision_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.d.Cases = &cases.Engine{DB: db, Catalog: f.d.Catalog, Calendar: f.d.Calendar, Now: f.clock.Now}
		k := upheld(t, f)
		in := DecisionInput{Reasons: "رد بدون بررسی کامل بود", Remedies: []RemedyInput{{Kind: RemedyReopen}, {Kind: RemedyApology}}}
		if _, err := f.d.Decide(ctx, f.member1, k.ID, in); err != nil {
			t.Fatal(err)
		}
		if state, holder, closed := caseState(t, f); state != "completeness_check" || holder != "organization" || closed != 0 {
			t.Fatalf("case after the decision: %s/%s closed %d; want completeness_check, organization, open", state, holder, closed)
		}
		v, err := f.d.Get(ctx, f.supervisor, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Remedies) != 2 || v.Remedies[0].Status != "done" || v.Remedies[0].DoneBy != f.member1.ID || v.Remedies[1].Status != "pending" {
			t.Fatalf("remedies %+v: want reopen done by the member who decided, apology pending", v.Remedies)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.reopened' AND summary LIKE ?", "%complaint:"+k.TrackingCode+"%"); n != 1 {
			t.Fatalf("%d audit entries of the reopening naming the complaint, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM case_events WHERE transition = 'reopen' AND holder = 'organization'"); n != 1 {
			t.Fatalf("%d reopen events held by the organization, want 1", n)
		}
		// Reopening on the committee's decision does not make its members "involved".
		if err := f.d.Correct(ctx, f.member2, k.ID, "مهلت بازبینی: دو روز کاری"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestReopenRemedyBySupervisor_C45: a reopen remedy left pending is carried out by a
// supervisor, to the state they name, in the same transaction as the remedy's record;
// no one else may, and not twice.
func TestReopenRemedyBySupervisor_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		k := upheld(t, f)
		in := DecisionInput{Reasons: "ارزیابی فنی باید دوباره انجام شود", Remedies: []RemedyInput{{Kind: RemedyReopen}}}
		if _, err := f.d.Decide(ctx, f.member1, k.ID, in); err != nil { // no engine: the remedy waits
			t.Fatal(err)
		}
		f.d.Cases = &cases.Engine{DB: db, Catalog: f.d.Catalog, Calendar: f.d.Calendar, Now: f.clock.Now}
		v, err := f.d.Get(ctx, f.supervisor, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		rid := v.Remedies[0].ID
		wantCode(t, f.d.CompleteRemedy(ctx, f.member1, k.ID, rid, RemedyDone{}), problem.Forbidden, "member reopens")
		wantCode(t, f.d.CompleteRemedy(ctx, f.supervisor, k.ID, rid, RemedyDone{State: "rejected"}), problem.Invalid, "reopen to a final state")
		if state, _, _ := caseState(t, f); state != "rejected" {
			t.Fatalf("a refused reopening changed the case to %s", state)
		}
		if err := f.d.CompleteRemedy(ctx, f.supervisor, k.ID, rid, RemedyDone{State: "technical_review", Note: "به ارزیابی برگشت"}); err != nil {
			t.Fatal(err)
		}
		if state, holder, _ := caseState(t, f); state != "technical_review" || holder != "organization" {
			t.Fatalf("case %s/%s, want technical_review held by the organization", state, holder)
		}
		wantCode(t, f.d.CompleteRemedy(ctx, f.supervisor, k.ID, rid, RemedyDone{}), problem.Conflict, "remedy done twice")
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'complaints.refused'"); n < 2 {
			t.Fatalf("%d refused attempts audited, want the member's and the final state's", n)
		}
	})
}
