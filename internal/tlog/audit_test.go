package tlog_test

import (
	"context"
	"slices"
	"testing"

	xtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/tlog"
)

func expectedRecords(n int) [][]byte {
	var out [][]byte
	for i := range n {
		out = append(out, record(i))
	}
	return out
}

// kinds returns the divergences' kinds and indexes, for compact assertions.
func kinds(ds []tlog.Divergence) map[tlog.DivergenceKind][]int64 {
	out := map[tlog.DivergenceKind][]int64{}
	for _, d := range ds {
		out[d.Kind] = append(out[d.Kind], d.Index)
	}
	return out
}

// auditedLog returns a log of 50 records with checkpoints at 30 and 50.
func auditedLog(t *testing.T, db *store.DB) *tlog.Log {
	t.Helper()
	l, _ := newLog(t, db)
	ctx := context.Background()
	growInBatches(t, db, l, 30)
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	appendRecords(t, db, l, 30, 50)
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	ds, err := l.AuditAgainst(ctx, expectedRecords(50))
	if err != nil || len(ds) != 0 {
		t.Fatalf("audit of an untouched log: %v %v", ds, err)
	}
	return l
}

func TestAuditDetectsRewrittenLeaf(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		l := auditedLog(t, db)
		corrupt(t, db, "UPDATE tlog_leaves SET data = ? WHERE idx = ?", []byte(`{"event":"revoked"}`), 7)
		ds, err := l.AuditAgainst(context.Background(), expectedRecords(50))
		if err != nil {
			t.Fatal(err)
		}
		got := kinds(ds)
		if !slices.Equal(got[tlog.LeafHash], []int64{7}) || !slices.Equal(got[tlog.RecordMismatch], []int64{7}) {
			t.Fatalf("divergences %v", ds)
		}
		// The leaf, its parents up to the root of [0,32), and both checkpoints.
		if len(got[tlog.StoredHash]) != 6 || !slices.Equal(got[tlog.CheckpointRoot], []int64{30, 30, 50, 50}) {
			t.Fatalf("divergences %v", ds)
		}
	})
}

func TestAuditDetectsRewrittenLeafAndHash(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		l := auditedLog(t, db)
		data := []byte(`{"event":"revoked"}`)
		h := xtlog.RecordHash(data)
		corrupt(t, db, "UPDATE tlog_leaves SET data = ?, leaf_hash = ? WHERE idx = ?", data, h[:], 7)
		ds, err := l.Audit(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := kinds(ds)
		if len(got[tlog.LeafHash]) != 0 || len(got[tlog.StoredHash]) != 6 || len(got[tlog.CheckpointRoot]) != 4 {
			t.Fatalf("divergences %v", ds)
		}
	})
}

func TestAuditDetectsRewrittenInteriorHash(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		l := auditedLog(t, db)
		idx := xtlog.StoredHashIndex(3, 2) // the node over leaves 16..23
		corrupt(t, db, "UPDATE tlog_hashes SET hash = ? WHERE idx = ?", make([]byte, 32), idx)
		ds, err := l.Audit(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].Kind != tlog.StoredHash || ds[0].Index != idx {
			t.Fatalf("divergences %v", ds)
		}
	})
}

func TestAuditDetectsDeletedAndTruncatedLeaves(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		l := auditedLog(t, db)
		corrupt(t, db, "DELETE FROM tlog_leaves WHERE idx = ?", 12)
		corrupt(t, db, "DELETE FROM tlog_leaves WHERE idx >= ?", 45)
		corrupt(t, db, "DELETE FROM tlog_hashes WHERE idx >= ?", xtlog.StoredHashCount(45))
		ds, err := l.AuditAgainst(context.Background(), expectedRecords(50))
		if err != nil {
			t.Fatal(err)
		}
		got := kinds(ds)
		if !slices.Equal(got[tlog.LeafMissing], []int64{12}) {
			t.Fatalf("missing leaf not reported: %v", ds)
		}
		if !slices.Equal(got[tlog.CheckpointRoot], []int64{50}) {
			t.Fatalf("truncation below a checkpoint not reported: %v", ds)
		}
		if !slices.Equal(got[tlog.RecordMissing], []int64{12, 45, 46, 47, 48, 49}) {
			t.Fatalf("expected records not reported missing: %v", ds)
		}
		if len(got[tlog.StoredHash]) != 0 {
			t.Fatalf("a lost leaf row cascaded into hash divergences: %v", ds)
		}
	})
}

func TestAuditAgainstCallerRecords(t *testing.T) {
	db := storetest.OpenSQLite(t)
	l := auditedLog(t, db)
	want := expectedRecords(49)
	want[3] = []byte("what the certify tables say")
	ds, err := l.AuditAgainst(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	got := kinds(ds)
	if len(ds) != 2 || !slices.Equal(got[tlog.RecordMismatch], []int64{3}) || !slices.Equal(got[tlog.RecordUnexpected], []int64{49}) {
		t.Fatalf("divergences %v", ds)
	}
}

func TestAuditDetectsForgedCheckpointSignature(t *testing.T) {
	db := storetest.OpenSQLite(t)
	l := auditedLog(t, db)
	ctx := context.Background()
	var msg string
	err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT note FROM tlog_checkpoints WHERE size = 50").Scan(&msg)
	})
	if err != nil {
		t.Fatal(err)
	}
	forged := msg[:len(msg)-10] + "AAAAAAAAA\n"
	corrupt(t, db, "UPDATE tlog_checkpoints SET note = ? WHERE size = 50", forged)
	ds, err := l.Audit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Kind != tlog.CheckpointSignature || ds[0].Index != 50 {
		t.Fatalf("divergences %v", ds)
	}
}
