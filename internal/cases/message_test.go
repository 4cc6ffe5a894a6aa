package cases

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestInternalNotesHiddenFromApplicant: staff notes never reach the applicant.
func TestInternalNotesHiddenFromApplicant(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		if _, err := f.e.AddMessage(ctx, f.org, c.TrackingCode, "سلام؛ نسخه ۲ را بررسی کنید"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.AddInternalNote(ctx, f.expert, c.TrackingCode, "یادداشت داخلی"); err != nil {
			t.Fatal(err)
		}
		_, err := f.e.AddInternalNote(ctx, f.org, c.TrackingCode, "تلاش متقاضی")
		wantCode(t, err, problem.Forbidden, "cases.forbidden")
		mine, err := f.e.Messages(ctx, f.org, c.TrackingCode)
		if err != nil || len(mine) != 1 || mine[0].Internal || mine[0].ByStaff {
			t.Fatalf("applicant sees %+v, %v", mine, err)
		}
		staff, err := f.e.Messages(ctx, f.expert, c.TrackingCode)
		if err != nil || len(staff) != 2 || !staff[1].Internal || !staff[1].ByStaff {
			t.Fatalf("staff see %+v, %v", staff, err)
		}
		_, err = f.e.AddMessage(ctx, f.org, c.TrackingCode, "   ")
		wantCode(t, err, problem.Invalid, "cases.message.empty")
	})
}
