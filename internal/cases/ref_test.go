package cases

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestRefAndApplicantsWithOpenCases: the one lookup desk and complaints share reads
// a case's owner by code or id, and the one list outages and the catalog notify
// holds each applicant with an open case once, filtered by service.
func TestRefAndApplicantsWithOpenCases(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		f.open(t, f.org, "certify", "application") // a draft counts as in flight
		f.open(t, f.person, "certify", "application")
		err := db.View(ctx, func(tx *store.Tx) error {
			r, err := LookupRef(ctx, tx, c.TrackingCode)
			if err != nil || r.ApplicantOrgID != f.org.OrgID || r.ApplicantAccountID != f.org.ID || !r.ClosedAt.IsZero() {
				t.Fatalf("ref %+v, %v", r, err)
			}
			if byID, err := LookupRefByID(ctx, tx, r.ID); err != nil || byID.Code != c.TrackingCode {
				t.Fatalf("by id %+v, %v", byID, err)
			}
			if _, err := LookupRefByID(ctx, tx, r.ID+1000); problem.As(err).Code != problem.NotFound {
				t.Fatalf("unknown case: %v", err)
			}
			all, err := ApplicantsWithOpenCases(ctx, tx)
			if err != nil || len(all) != 2 || all[0].AccountID != f.person.ID || all[1].AccountID != f.org.ID {
				t.Fatalf("applicants %+v, %v", all, err)
			}
			if none, err := ApplicantsWithOpenCases(ctx, tx, "cert"); err != nil || len(none) != 0 {
				t.Fatalf("applicants of cert %+v, %v", none, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
