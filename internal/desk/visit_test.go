package desk

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Staff record visits up to the published maximum; one more needs a supervisor's
// recorded reason, and the case shows visits used of the maximum (C-4.8).
func TestVisitsBeyondPublishedMaximumNeedSupervisorReason_C48(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 1)
		ctx := context.Background()
		code, _ := f.caseFor(tehranAt(30, 8, 0))
		if _, err := f.d.RecordVisit(ctx, f.expert, code, VisitInput{At: tehranAt(24, 9, 0), Reason: "تحویل نسخه نصب"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.d.RecordVisit(ctx, f.expert, code, VisitInput{At: tehranAt(24, 10, 0), Reason: "دوباره", OverrideReason: "خودم"})
		wantCode(t, err, problem.Conflict, "desk.visit.over_limit")
		_, err = f.d.RecordVisit(ctx, f.supervisor, code, VisitInput{At: tehranAt(24, 10, 0), Reason: "دوباره"})
		wantCode(t, err, problem.Conflict, "desk.visit.override_reason")
		if n := f.count("case_visits"); n != 1 {
			t.Fatalf("refused visits left %d rows", n)
		}
		v, err := f.d.RecordVisit(ctx, f.supervisor, code, VisitInput{At: tehranAt(24, 10, 0), Reason: "دوباره",
			OverrideReason: "سامانه متقاضی فقط در محل قابل آزمون بود"})
		if err != nil {
			t.Fatal(err)
		}
		if !v.OverLimit || v.OverrideBy != f.supervisor.ID {
			t.Fatalf("over-limit visit %+v", v)
		}
		got, err := f.d.CaseVisits(ctx, f.org, code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Used != 2 || got.Max != 1 || !got.Over() || got.List[1].OverrideReason == "" {
			t.Fatalf("visits %+v", got)
		}
		st, err := VisitsPerCase(ctx, db, "certify", tehranAt(1, 0, 0), tehranAt(30, 0, 0))
		if err != nil || st.Cases != 0 {
			t.Fatalf("open cases count in visits per case: %+v %v", st, err)
		}
	})
}

// Only the service's staff record visits, with a reason and a date not in the
// future; refusals change nothing (C-4.8).
func TestBadVisitsChangeNothing_C48(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, 3)
		ctx := context.Background()
		code, _ := f.caseFor(tehranAt(30, 8, 0))
		_, err := f.d.RecordVisit(ctx, f.org, code, VisitInput{At: tehranAt(24, 9, 0), Reason: "خودم"})
		wantCode(t, err, problem.Forbidden, "cases.forbidden")
		_, err = f.d.RecordVisit(ctx, f.other, code, VisitInput{At: tehranAt(24, 9, 0), Reason: "خدمت دیگر"})
		wantCode(t, err, problem.NotFound, "cases.not_found")
		_, err = f.d.RecordVisit(ctx, f.expert, code, VisitInput{At: tehranAt(24, 9, 0), Reason: " "})
		wantCode(t, err, problem.Invalid, "desk.visit.reason")
		_, err = f.d.RecordVisit(ctx, f.expert, code, VisitInput{At: tehranAt(25, 9, 0), Reason: "فردا"})
		wantCode(t, err, problem.Invalid, "desk.visit.future")
		_, err = f.d.RecordVisit(ctx, f.expert, "ABCD-EFGH-JK", VisitInput{At: tehranAt(24, 9, 0), Reason: "کد غلط"})
		if err == nil {
			t.Fatal("a wrong tracking code was accepted")
		}
		if n := f.count("case_visits"); n != 0 {
			t.Fatalf("refused visits left %d rows", n)
		}
		_, err = f.d.CaseVisits(ctx, f.outsider, code)
		wantCode(t, err, problem.NotFound, "cases.not_found")
	})
}
