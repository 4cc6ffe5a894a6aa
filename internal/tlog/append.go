package tlog

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
)

// Rows per multi-row INSERT: 4 columns × 200 leaves and 2 columns × 400 hashes stay
// far below SQLite's and PostgreSQL's limits on bound parameters.
const (
	leafInsertChunk = 200
	hashInsertChunk = 400
)

// Append adds records to the end of the log inside the caller's transaction and
// returns the index of the first one; the others follow in order. It takes the log's
// lock (an advisory lock on PostgreSQL; SQLite has one writer anyway), so concurrent
// appends serialise until the caller's transaction ends. Appending many records in one
// call costs a handful of statements, not a handful per record.
func (l *Log) Append(ctx context.Context, tx *store.Tx, records ...[]byte) (int64, error) {
	if len(records) == 0 {
		return 0, fmt.Errorf("tlog: append: no records")
	}
	for i, r := range records {
		if len(r) > MaxRecordSize {
			return 0, fmt.Errorf("tlog: append: record %d has %d bytes: %w", i, len(r), ErrTooLarge)
		}
	}
	if err := tx.Lock(ctx, lockKey); err != nil {
		return 0, fmt.Errorf("tlog: append: lock: %w", err)
	}
	first, err := treeSize(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("tlog: append: %w", err)
	}

	// Hashes computed in this batch, and those of older subtrees read once from the
	// table, so that the whole batch reads at most a few dozen stored hashes.
	known := make(map[int64]tlog.Hash)
	stored := hashReader(ctx, tx)
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		var missing []int64
		for _, idx := range indexes {
			if _, ok := known[idx]; !ok {
				missing = append(missing, idx)
			}
		}
		if len(missing) > 0 {
			hs, err := stored.ReadHashes(missing)
			if err != nil {
				return nil, err
			}
			for i, idx := range missing {
				known[idx] = hs[i]
			}
		}
		out := make([]tlog.Hash, len(indexes))
		for i, idx := range indexes {
			out[i] = known[idx]
		}
		return out, nil
	})

	leafHashes := make([]tlog.Hash, len(records))
	var newHashes []tlog.Hash
	for i, rec := range records {
		n := first + int64(i)
		hs, err := tlog.StoredHashes(n, rec, reader)
		if err != nil {
			return 0, fmt.Errorf("tlog: append %d: %w", n, err)
		}
		base := tlog.StoredHashCount(n)
		for j, h := range hs {
			known[base+int64(j)] = h
		}
		leafHashes[i] = hs[0]
		newHashes = append(newHashes, hs...)
	}
	if err := insertLeaves(ctx, tx, first, records, leafHashes); err != nil {
		return 0, fmt.Errorf("tlog: append: %w", err)
	}
	if err := insertHashes(ctx, tx, tlog.StoredHashCount(first), newHashes); err != nil {
		return 0, fmt.Errorf("tlog: append: %w", err)
	}
	return first, nil
}

func insertLeaves(ctx context.Context, tx *store.Tx, first int64, records [][]byte, hashes []tlog.Hash) error {
	at := store.Millis(tx.Now)
	for start := 0; start < len(records); start += leafInsertChunk {
		end := min(start+leafInsertChunk, len(records))
		args := make([]any, 0, 4*(end-start))
		for i := start; i < end; i++ {
			data := records[i]
			if data == nil {
				data = []byte{} // the column is NOT NULL; an empty record is allowed
			}
			args = append(args, first+int64(i), data, hashes[i][:], at)
		}
		q := "INSERT INTO tlog_leaves (idx, data, leaf_hash, created_at) VALUES " + valueRows(end-start, 4)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("insert leaves: %w", err)
		}
	}
	return nil
}

// insertHashes stores hashes at consecutive stored hash indexes from base: the hashes
// a run of appended leaves adds are always contiguous in x/mod's numbering.
func insertHashes(ctx context.Context, tx *store.Tx, base int64, hashes []tlog.Hash) error {
	for start := 0; start < len(hashes); start += hashInsertChunk {
		end := min(start+hashInsertChunk, len(hashes))
		args := make([]any, 0, 2*(end-start))
		for i := start; i < end; i++ {
			args = append(args, base+int64(i), hashes[i][:])
		}
		q := "INSERT INTO tlog_hashes (idx, hash) VALUES " + valueRows(end-start, 2)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return fmt.Errorf("insert hashes: %w", err)
		}
	}
	return nil
}

// valueRows returns "(?, ?), (?, ?)" for rows rows of cols columns.
func valueRows(rows, cols int) string {
	row := "(" + placeholders(cols) + ")"
	return strings.Repeat(row+", ", rows-1) + row
}
