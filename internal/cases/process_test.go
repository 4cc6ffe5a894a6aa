package cases

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestCertifyHappyPath follows CERTIFY's published process from draft to an issued
// certificate (SLA C-4.3), with four eyes between review and signature.
func TestCertifyHappyPath(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		if err := f.e.Claim(ctx, f.expert, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		f.move(t, f.expert, c.TrackingCode, "accept_documents", "", "")
		f.move(t, f.expert, c.TrackingCode, "pass_review", DecisionApprove, "")
		f.move(t, f.signer, c.TrackingCode, "approve", DecisionApprove, "")
		v, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.State != "issued" || v.Holder != "none" || !v.Clock.Stopped || v.ClosedAt.IsZero() || v.AssigneeAccountID != f.expert.ID {
			t.Fatalf("final view = %+v", v.Case)
		}
		h, err := f.e.History(ctx, f.org, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range h {
			got = append(got, ev.Transition)
		}
		want := []string{"open", "submit", "accept_documents", "pass_review", "approve"}
		if len(got) != len(want) {
			t.Fatalf("history %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("history %v, want %v", got, want)
			}
		}
		var audits int
		if err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE object_kind = 'case' AND object_id = ?", c.TrackingCode).Scan(&audits)
		}); err != nil {
			t.Fatal(err)
		}
		if audits != 1+len(orgDocs)+1+1+3 { // open, uploads, submit, claim, three transitions
			t.Fatalf("audit entries = %d", audits)
		}
	})
}

// TestWrongRoleCannotTransition_C43: only the role the process names may take a
// step; nothing changes when someone else tries.
func TestWrongRoleCannotTransition_C43(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		_, err := f.e.Transition(ctx, f.signer, c.TrackingCode, TransitionInput{Transition: "accept_documents"})
		wantCode(t, err, problem.Forbidden, "cases.transition.role")
		_, err = f.e.Transition(ctx, f.org, c.TrackingCode, TransitionInput{Transition: "accept_documents"})
		wantCode(t, err, problem.Forbidden, "cases.forbidden")
		_, err = f.e.Transition(ctx, f.responder, c.TrackingCode, TransitionInput{Transition: "accept_documents"})
		wantCode(t, err, problem.NotFound, "cases.not_found") // staff of another service do not see it
		_, err = f.e.Transition(ctx, f.expert, c.TrackingCode, TransitionInput{Transition: "pass_review", Decision: DecisionApprove})
		wantCode(t, err, problem.Conflict, "cases.transition.wrong_state")
		_, err = f.e.Transition(ctx, f.expert, c.TrackingCode, TransitionInput{Transition: "return_incomplete"})
		wantCode(t, err, problem.Invalid, "cases.reason.required")
		_, err = f.e.Transition(ctx, f.expert, c.TrackingCode, TransitionInput{Transition: "no_such_step"})
		wantCode(t, err, problem.Invalid, "cases.transition.unknown")
		v, err := f.e.Get(ctx, f.expert, c.TrackingCode)
		if err != nil || v.State != "completeness_check" || v.Version != 2 {
			t.Fatalf("case changed: %+v, %v", v, err)
		}
		// Four eyes: the one who passed the review may not also sign.
		both := *f.expert
		both.Grants = map[string][]identity.Role{"certify": {identity.Expert, identity.Signer}}
		f.move(t, &both, c.TrackingCode, "accept_documents", "", "")
		f.move(t, &both, c.TrackingCode, "pass_review", DecisionApprove, "")
		_, err = f.e.Transition(ctx, &both, c.TrackingCode, TransitionInput{Transition: "approve", Decision: DecisionApprove})
		wantCode(t, err, problem.Forbidden, "cases.four_eyes")
	})
}

// TestDoubleSubmitConflicts: a second submit is refused and changes nothing.
func TestDoubleSubmitConflicts(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.submitted(t)
		_, err := f.e.Submit(context.Background(), f.org, c.TrackingCode)
		wantCode(t, err, problem.Conflict, "cases.submit.twice")
	})
}

// TestSubmitNeedsMandatoryDocuments_C42: a draft without the always-required
// documents cannot be submitted, and the clock does not start.
func TestSubmitNeedsMandatoryDocuments_C42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.open(t, f.org, "certify", "application")
		f.attach(t, f.org, c.TrackingCode, "official_gazette")
		_, err := f.e.Submit(ctx, f.org, c.TrackingCode)
		wantCode(t, err, problem.Invalid, "cases.documents.missing")
		v, err := f.e.Get(ctx, f.org, c.TrackingCode)
		if err != nil || v.State != "draft" || v.Clock.Started {
			t.Fatalf("after refused submit: %+v, %v", v, err)
		}
	})
}

// TestConcurrentTransitionsOneWins: two experts act on one case at once; exactly
// one transition is recorded and the other gets a Conflict.
func TestConcurrentTransitionsOneWins(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for round := 0; round < 5; round++ {
			c := f.submitted(t)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i, in := range []TransitionInput{{Transition: "accept_documents"}, {Transition: "return_incomplete", Reason: "ناقص"}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					p := f.expert
					if i == 1 {
						p = f.expert2
					}
					_, errs[i] = f.e.Transition(ctx, p, c.TrackingCode, in)
				}()
			}
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				var pe *problem.Error
				switch {
				case err == nil:
					wins++
				case errors.As(err, &pe) && pe.Code == problem.Conflict:
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			h, err := f.e.History(ctx, f.expert, c.TrackingCode)
			if err != nil {
				t.Fatal(err)
			}
			if wins != 1 || len(h) != 3 {
				t.Fatalf("round %d: %d wins, %d events (%v); want exactly one", round, wins, len(h), errs)
			}
		}
	})
}
