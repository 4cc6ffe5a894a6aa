package certify

import (
	"context"
	"testing"

	"github.com/itoir/miz/internal/store/storetest"
)

func TestSeedDemoHasEveryStatus(t *testing.T) {
	db := storetest.OpenSQLite(t)
	r, _ := newTestRegistry(t, db)
	ctx := context.Background()
	nums, err := r.SeedDemo(ctx)
	if err != nil || len(nums) < 30 {
		t.Fatalf("%d %v", len(nums), err)
	}
	for _, s := range Statuses() {
		res, err := r.Search(ctx, Query{Status: s})
		if err != nil || res.Total == 0 {
			t.Errorf("no %s certificate in the demo (%v)", s, err)
		}
	}
	again, err := r.SeedDemo(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second seed: %d %v", len(again), err)
	}
	if err := r.SeedBulk(ctx, 700, nil); err != nil {
		t.Fatal(err)
	}
	if res, _ := r.Search(ctx, Query{}); res.Total != len(nums)+700 {
		t.Fatalf("total %d", res.Total)
	}
}
