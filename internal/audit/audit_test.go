package audit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func seed(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := db.Update(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, "account:1", "case.submit", "case", fmt.Sprint("C", i), map[string]any{"to": "review", "i": i})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainVerifiesAndNamesTheFirstBadEntry(t *testing.T) {
	tamper := []struct {
		name, sql string
		badSeq    int64
	}{
		{"edited", "UPDATE audit_log SET summary = '{\"to\":\"issued\"}' WHERE seq = 3", 3},
		{"deleted", "DELETE FROM audit_log WHERE seq = 2", 2},
		{"reordered", "UPDATE audit_log SET at = at + 1 WHERE seq = 4", 4},
		{"rehashed link", "UPDATE audit_log SET prev_hash = hash WHERE seq = 5", 5},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				seed(t, db, 6)
				res, err := audit.Verify(ctx, db, nil)
				if err != nil || res.Entries != 6 || len(res.Head) != 64 {
					t.Fatalf("clean chain: %+v %v", res, err)
				}
				if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, tc.sql); return err }); err != nil {
					t.Fatal(err)
				}
				_, err = audit.Verify(ctx, db, nil)
				var bad *audit.BadEntryError
				if !errors.As(err, &bad) || bad.Seq != tc.badSeq {
					t.Fatalf("tampered chain: got %v, want bad entry %d", err, tc.badSeq)
				}
			})
		})
	}
}

func TestRecordIsPartOfTheCallersTransaction(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.Update(ctx, func(tx *store.Tx) error {
			if err := audit.Record(ctx, tx, "system", "x", "case", "1", nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		res, err := audit.Verify(ctx, db, nil)
		if err != nil || res.Entries != 0 {
			t.Fatalf("rolled-back entry kept: %+v %v", res, err)
		}
		entries, err := audit.ForObject(ctx, db, "case", "1")
		if err != nil || len(entries) != 0 {
			t.Fatalf("entries %v %v", entries, err)
		}
	})
}
