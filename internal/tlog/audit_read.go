package tlog

import (
	"context"
	"fmt"

	"github.com/itoir/miz/internal/store"
)

type leaf struct {
	data []byte
	hash []byte
}

type keptCheckpoint struct {
	size int64
	root []byte
	note string
}

func readCheckpoints(ctx context.Context, tx *store.Tx) ([]keptCheckpoint, error) {
	rows, err := tx.Query(ctx, "SELECT size, root, note FROM tlog_checkpoints ORDER BY size")
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	defer rows.Close()
	var cps []keptCheckpoint
	for rows.Next() {
		var cp keptCheckpoint
		if err := rows.Scan(&cp.size, &cp.root, &cp.note); err != nil {
			return nil, fmt.Errorf("read checkpoints: %w", err)
		}
		cps = append(cps, cp)
	}
	return cps, rows.Err()
}

// readLeaves returns the leaf rows with start <= idx < end.
func readLeaves(ctx context.Context, tx *store.Tx, start, end int64) (map[int64]leaf, error) {
	rows, err := tx.Query(ctx, "SELECT idx, data, leaf_hash FROM tlog_leaves WHERE idx >= ? AND idx < ?", start, end)
	if err != nil {
		return nil, fmt.Errorf("read leaves: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]leaf, end-start)
	for rows.Next() {
		var idx int64
		var lf leaf
		if err := rows.Scan(&idx, &lf.data, &lf.hash); err != nil {
			return nil, fmt.Errorf("read leaves: %w", err)
		}
		out[idx] = lf
	}
	return out, rows.Err()
}

// readHashRange returns the stored hash rows with start <= idx < end.
func readHashRange(ctx context.Context, tx *store.Tx, start, end int64) (map[int64][]byte, error) {
	rows, err := tx.Query(ctx, "SELECT idx, hash FROM tlog_hashes WHERE idx >= ? AND idx < ?", start, end)
	if err != nil {
		return nil, fmt.Errorf("read hashes: %w", err)
	}
	defer rows.Close()
	out := make(map[int64][]byte, end-start)
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return nil, fmt.Errorf("read hashes: %w", err)
		}
		out[idx] = h
	}
	return out, rows.Err()
}
