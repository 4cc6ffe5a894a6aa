package desk

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// The applicant rates a closed case once; supervisors see the ratings per staff
// member who acted on the case, and the comments; no one else sees the comments
// (C-4.9).
func TestFeedbackAfterCloseAggregatedPerStaff_C49(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 1)
		ctx := context.Background()
		one, id1 := f.caseFor(tehranAt(30, 8, 0))
		two, id2 := f.caseFor(tehranAt(30, 8, 0))
		f.act(id1, 2, f.expert, "expert")
		f.act(id1, 3, f.supervisor, "supervisor")
		f.act(id2, 2, f.expert, "expert")
		if _, err := f.d.RecordVisit(ctx, f.expert, one, VisitInput{At: tehranAt(24, 9, 0), Reason: "جلسه"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.d.LeaveFeedback(ctx, f.org, one, FeedbackInput{ServiceRating: 5, CourtesyRating: 5})
		wantCode(t, err, problem.Conflict, "desk.feedback.open")
		f.close(id1)
		f.close(id2)
		_, err = f.d.LeaveFeedback(ctx, f.expert, one, FeedbackInput{ServiceRating: 5, CourtesyRating: 5})
		wantCode(t, err, problem.Forbidden, "cases.forbidden")
		_, err = f.d.LeaveFeedback(ctx, f.outsider, one, FeedbackInput{ServiceRating: 1, CourtesyRating: 1})
		wantCode(t, err, problem.NotFound, "cases.not_found")
		fb, err := f.d.LeaveFeedback(ctx, f.org, one, FeedbackInput{ServiceRating: 4, CourtesyRating: 2, Comment: "کارشناس بی‌حوصله بود"})
		if err != nil {
			t.Fatal(err)
		}
		if len(fb.Staff) != 2 || fb.Staff[0] != f.expert.ID || fb.Staff[1] != f.supervisor.ID {
			t.Fatalf("staff who acted: %v", fb.Staff)
		}
		_, err = f.d.LeaveFeedback(ctx, f.org, one, FeedbackInput{ServiceRating: 5, CourtesyRating: 5})
		wantCode(t, err, problem.Conflict, "desk.feedback.twice")
		if _, err := f.d.LeaveFeedback(ctx, f.org, two, FeedbackInput{ServiceRating: 2, CourtesyRating: 4}); err != nil {
			t.Fatal(err)
		}
		sum, err := f.d.Summary(ctx, f.supervisor, "certify", time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Overall.Count != 2 || sum.Overall.MeanService != 3 || sum.Overall.MeanCourtesy != 3 || sum.Overall.Satisfied != 0.5 {
			t.Fatalf("overall %+v", sum.Overall)
		}
		want := map[int64]CSATStats{
			f.expert.ID:     {Count: 2, MeanService: 3, MeanCourtesy: 3, Satisfied: 0.5},
			f.supervisor.ID: {Count: 1, MeanService: 4, MeanCourtesy: 2, Satisfied: 1},
		}
		if len(sum.Staff) != 2 {
			t.Fatalf("per staff %+v", sum.Staff)
		}
		for _, s := range sum.Staff {
			if s.CSATStats != want[s.AccountID] || s.Name == "" {
				t.Fatalf("staff %d: %+v, want %+v", s.AccountID, s, want[s.AccountID])
			}
		}
		if len(sum.Comments) != 1 || sum.Comments[0].CaseCode != one {
			t.Fatalf("comments %+v", sum.Comments)
		}
		_, err = f.d.Summary(ctx, f.expert, "certify", time.Time{}, time.Time{})
		wantCode(t, err, problem.Forbidden, "desk.feedback.supervisor")
		for _, c := range []struct {
			who     *identity.Principal
			comment bool
		}{{f.org, true}, {f.supervisor, true}, {f.expert, false}} {
			got, err := f.d.CaseFeedback(ctx, c.who, one)
			if err != nil {
				t.Fatal(err)
			}
			if (got.Comment != "") != c.comment {
				t.Fatalf("account %d sees comment %q", c.who.ID, got.Comment)
			}
		}
		csat, err := CSAT(ctx, db, "certify", tehranAt(1, 0, 0), tehranAt(30, 0, 0))
		if err != nil || csat.Count != 2 {
			t.Fatalf("CSAT %+v %v", csat, err)
		}
		visits, err := VisitsPerCase(ctx, db, "certify", tehranAt(1, 0, 0), time.Time{})
		if err != nil || visits.Cases != 2 || visits.Visits != 1 || visits.PerCase != 0.5 || visits.OverLimit != 0 {
			t.Fatalf("visits per case %+v %v", visits, err)
		}
	})
}

// Ratings outside 1–5 are refused with a clear reason and store nothing (C-4.9).
func TestFeedbackRatingsOutOfRange_C49(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 0)
		ctx := context.Background()
		code, id := f.caseFor(tehranAt(30, 8, 0))
		f.close(id)
		for _, in := range []FeedbackInput{{ServiceRating: 0, CourtesyRating: 3}, {ServiceRating: 6, CourtesyRating: 3},
			{ServiceRating: 3, CourtesyRating: 0}, {ServiceRating: 3, CourtesyRating: 6}} {
			_, err := f.d.LeaveFeedback(ctx, f.org, code, in)
			wantCode(t, err, problem.Invalid, "desk.feedback.rating")
		}
		if n := f.count("case_feedback"); n != 0 {
			t.Fatalf("refused ratings left %d rows", n)
		}
		_, err := f.d.CaseFeedback(ctx, f.org, code)
		wantCode(t, err, problem.NotFound, "desk.feedback.none")
	})
}
