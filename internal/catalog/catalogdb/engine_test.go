package catalogdb_test

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestOpenCaseKeepsItsVersionAfterPublication_C46 drives the case engine on the
// database catalog: a case opened under v1 goes on resolving v1 after v2 is in force,
// and a case opened afterwards begins under v2.
func TestOpenCaseKeepsItsVersionAfterPublication_C46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		e := &cases.Engine{DB: db, Catalog: f.st.Catalog, Now: f.clock.Now}
		old, err := e.Open(ctx, f.alice, cases.OpenInput{Service: "certify", Kind: "application"})
		if err != nil {
			t.Fatal(err)
		}
		publishV2(t, f)
		f.clock.Set(tehranDay(22))
		v, err := e.Get(ctx, f.alice, old.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.ServiceVersion != 1 || v.ServiceDef.Version != 1 || v.ServiceDef.MaxVisits != 0 {
			t.Fatalf("open case resolves v%d (def v%d), want v1", v.ServiceVersion, v.ServiceDef.Version)
		}
		fresh, err := e.Open(ctx, f.bob, cases.OpenInput{Service: "certify", Kind: "application"})
		if err != nil {
			t.Fatal(err)
		}
		if fresh.ServiceVersion != 2 {
			t.Fatalf("a case opened after the effective date is on v%d, want v2", fresh.ServiceVersion)
		}
	})
}
