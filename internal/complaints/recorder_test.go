package complaints

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestRecorderOfTheDecisionIsNotExcluded_C45: the committee member who records the
// decision, and the one who corrects it, write its announcement on the case; that
// is the committee's work, not acting on the case, so neither is then shown as
// excluded from the complaint (issue 13).
func TestRecorderOfTheDecisionIsNotExcluded_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		k := escalated(t, f)
		for _, m := range []*identity.Principal{f.member1, f.member2, f.mem3} {
			if err := f.d.CastVote(ctx, m, k.ID, OutcomeUpheld, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.d.Decide(ctx, f.member1, k.ID, DecisionInput{Reasons: "مستند بود"}); err != nil {
			t.Fatal(err)
		}
		if err := f.d.Correct(ctx, f.member2, k.ID, "اصلاح تاریخ"); err != nil {
			t.Fatal(err)
		}
		for name, m := range map[string]*identity.Principal{"recorder": f.member1, "corrector": f.member2} {
			v, err := f.d.Get(ctx, m, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.Excluded || v.Access != AccessCommittee {
				t.Fatalf("the %s is shown as %s (excluded %v)", name, v.Access, v.Excluded)
			}
		}
		v, err := f.d.Get(ctx, f.expertMember, k.ID)
		if err != nil || !v.Excluded {
			t.Fatalf("the member who acted on the case: %+v, %v", v, err)
		}
	})
}
