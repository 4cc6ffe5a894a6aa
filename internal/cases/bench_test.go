package cases

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// BenchmarkCaseClock measures one deadline computation from a ten-event history
// with two pauses (SLA C-4.1, SLA-CLOCK rule 6).
func BenchmarkCaseClock(b *testing.B) {
	svcs, err := catalog.Defaults()
	if err != nil {
		b.Fatal(err)
	}
	k, _ := svcs[0].Kind("application")
	cal := sla.NationalDefault()
	start := tehranAt(21, 7, 30)
	holders := []string{"applicant", "organization", "applicant", "organization", "organization",
		"applicant", "organization", "organization", "organization", "organization"}
	evs := make([]Event, len(holders))
	for i, h := range holders {
		evs[i] = Event{At: start.Add(time.Duration(i) * 29 * time.Hour), Holder: h, Pause: "incomplete"}
	}
	now := start.Add(12 * 24 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		computeClock(evs, k, cal, now)
	}
}

// BenchmarkRecomputeOpen measures recomputing every open case after a calendar
// change, on SQLite, for 1,000 submitted cases.
func BenchmarkRecomputeOpen(b *testing.B) {
	ctx := context.Background()
	db := storetest.OpenSQLite(b)
	svcs, err := catalog.Defaults()
	if err != nil {
		b.Fatal(err)
	}
	e := &Engine{DB: db, Catalog: StaticCatalog(svcs), Now: func() time.Time { return tehranAt(28, 10, 0) }}
	const n = 1000
	err = db.Update(ctx, func(tx *store.Tx) error {
		acct, err := tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('bench', 'person', 0)`)
		if err != nil {
			return err
		}
		for i := range n {
			at := tehranAt(21, 7, 30).Add(time.Duration(i) * time.Minute)
			id, err := tx.InsertID(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
				applicant_account_id, applicant_type, created_at, submitted_at) VALUES (?, 'certify', 1, 'application',
				'completeness_check', 'organization', ?, 'person', ?, ?)`, fmt.Sprintf("B%09d", i), acct, store.Millis(at), store.Millis(at))
			if err != nil {
				return err
			}
			for seq, ev := range []Event{{At: at, ToState: "draft", Holder: "applicant", Pause: "draft"},
				{At: at, FromState: "draft", ToState: "completeness_check", Holder: "organization"}} {
				if err := insertEvent(ctx, tx, id, seq+1, ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if got, err := e.RecomputeOpen(ctx, "bench", "benchmark"); err != nil || got != n {
			b.Fatalf("recomputed %d, %v", got, err)
		}
	}
}
