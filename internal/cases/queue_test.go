package cases

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestQueueSortedByDeadline_C41: the staff queue puts the nearest deadline first
// and leaves drafts and cases with the applicant out.
func TestQueueSortedByDeadline_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		first := f.submitted(t)
		f.clock.Add(26 * time.Hour)
		second := f.submitted(t)
		f.open(t, f.org, "certify", "application") // a draft
		q, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify"})
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 2 || q[0].TrackingCode != first.TrackingCode || q[1].TrackingCode != second.TrackingCode {
			t.Fatalf("queue = %+v", q)
		}
		if !q[0].DueAt.Before(q[1].DueAt) || q[0].Form != nil {
			t.Fatalf("queue rows: %+v", q)
		}
		if err := f.e.BulkAssign(ctx, f.supervisor, []string{first.TrackingCode, second.TrackingCode}, f.expert2.ID); err != nil {
			t.Fatal(err)
		}
		mine, err := f.e.Queue(ctx, f.expert2, QueueFilter{Service: "certify", Assignee: f.expert2.ID})
		if err != nil || len(mine) != 2 {
			t.Fatalf("assigned = %d, %v", len(mine), err)
		}
		err = f.e.Assign(ctx, f.expert, first.TrackingCode, f.expert.ID)
		wantCode(t, err, problem.Forbidden, "cases.assign.supervisor")
		_, err = f.e.Queue(ctx, f.org, QueueFilter{Service: "certify"})
		wantCode(t, err, problem.Forbidden, "cases.forbidden")
		my, err := f.e.MyCases(ctx, f.org, 0, 0)
		if err != nil || len(my) != 3 {
			t.Fatalf("my cases = %d, %v", len(my), err)
		}
	})
}

// TestTrackShowsNoContent_D1: the public status has no form, documents or names.
func TestTrackShowsNoContent_D1(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.submitted(t)
		tr, err := f.e.Track(context.Background(), c.TrackingCode)
		if err != nil || tr.State.ID != "completeness_check" || !tr.Clock.Started {
			t.Fatalf("track = %+v, %v", tr, err)
		}
		_, err = f.e.Track(context.Background(), "2222-2222-22")
		if err == nil {
			t.Fatal("a made-up code was tracked")
		}
	})
}

// TestOpenChecksApplicantType: a natural person cannot report a CERT incident,
// which only agencies and companies may, and staff cannot open cases.
func TestOpenChecksApplicantType(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		_, err := f.e.Open(ctx, f.person, OpenInput{Service: "cert", Kind: "incident"})
		wantCode(t, err, problem.Forbidden, "cases.applicant_type")
		_, err = f.e.Open(ctx, f.expert, OpenInput{Service: "certify", Kind: "application"})
		wantCode(t, err, problem.Forbidden, "cases.open.staff")
		_, err = f.e.Open(ctx, f.org, OpenInput{Service: "nope", Kind: "application"})
		wantCode(t, err, problem.Invalid, "cases.service.unknown")
		_, err = f.e.Open(ctx, f.org, OpenInput{Service: "certify", Kind: "application", Form: []byte(`[1]`)})
		wantCode(t, err, problem.Invalid, "cases.form.object")
	})
}
