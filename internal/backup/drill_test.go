package backup

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Drills that finish at the same moment all record, and the newest backup wins,
// whatever order they commit in. On PostgreSQL two of them used to read no row, both
// insert it, and one fail on the key (seen in the scheduled-backup test of cmd/miz).
// Each round starts from no record, with the drills released together.
func TestConcurrentDrillsAllRecordAndTheNewestWins(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
		const rounds, n = 20, 8
		for round := range rounds {
			err := db.Update(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, "DELETE FROM kv WHERE key = ?", goodKey)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			start := make(chan struct{})
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					errs[i] = RecordGood(ctx, db, Good{File: fmt.Sprintf("b%d.tar", i),
						TakenAt: base.Add(time.Duration(i) * time.Minute), DrilledAt: base.Add(time.Hour)})
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d, drill %d: %v", round, i, err)
				}
			}
			g, err := NewestGood(ctx, db)
			if err != nil || g == nil || g.File != fmt.Sprintf("b%d.tar", n-1) {
				t.Fatalf("round %d: newest good = %+v (%v), want b%d.tar", round, g, err, n-1)
			}
		}
	})
}
