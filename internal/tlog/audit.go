package tlog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"iter"
	"slices"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
)

// DivergenceKind names what an audit found wrong.
type DivergenceKind string

// The kinds of divergence an audit reports.
const (
	// LeafMissing: no leaf row at an index below the log's size.
	LeafMissing DivergenceKind = "leaf-missing"
	// LeafHash: a leaf row's leaf_hash is not the hash of its data.
	LeafHash DivergenceKind = "leaf-hash"
	// StoredHash: a tlog_hashes row is missing or differs from the recomputed tree.
	StoredHash DivergenceKind = "stored-hash"
	// CheckpointRoot: a kept checkpoint's root differs from the recomputed tree, or
	// its note text disagrees with its row, or it is for more records than the log
	// holds (the log was truncated).
	CheckpointRoot DivergenceKind = "checkpoint-root"
	// CheckpointSignature: a kept checkpoint carries an invalid signature by the log
	// key, or none this log recognises.
	CheckpointSignature DivergenceKind = "checkpoint-signature"
	// RecordMismatch: the leaf differs from the record the caller expected there.
	RecordMismatch DivergenceKind = "record-mismatch"
	// RecordMissing: the caller expected a record the log does not hold.
	RecordMissing DivergenceKind = "record-missing"
	// RecordUnexpected: the log holds a record the caller did not expect.
	RecordUnexpected DivergenceKind = "record-unexpected"
)

// Divergence is one disagreement found by an audit.
type Divergence struct {
	Kind DivergenceKind
	// Index is the leaf index, the stored hash index (StoredHash) or the checkpoint
	// size (CheckpointRoot, CheckpointSignature).
	Index  int64
	Detail string
}

// String describes the divergence in one line.
func (d Divergence) String() string { return fmt.Sprintf("%s at %d: %s", d.Kind, d.Index, d.Detail) }

// auditPage is how many leaves an audit reads per query.
const auditPage = 1000

// AuditAgainst is Audit with the expected records given as a slice.
func (l *Log) AuditAgainst(ctx context.Context, expected [][]byte) ([]Divergence, error) {
	return l.Audit(ctx, slices.Values(expected))
}

// Audit recomputes the whole tree from the stored leaves, independently of the code
// that appended them, and reports every divergence: leaf rows whose hash or position
// is wrong, stored hashes that differ from the recomputation, and kept checkpoints
// whose root, size or signature does not match. When expected is not nil, it yields
// the records the caller derives from its own tables, in log order, and each is
// compared with the leaf at the same index. The error is for failures to read, not
// for divergences.
func (l *Log) Audit(ctx context.Context, expected iter.Seq[[]byte]) ([]Divergence, error) {
	var out []Divergence
	report := func(kind DivergenceKind, index int64, format string, args ...any) {
		out = append(out, Divergence{Kind: kind, Index: index, Detail: fmt.Sprintf(format, args...)})
	}
	var next func() ([]byte, bool)
	if expected != nil {
		var stop func()
		next, stop = iter.Pull(expected)
		defer stop()
	}
	var size int64
	err := l.db.View(ctx, func(tx *store.Tx) error {
		// Checkpoints first: leaves only ever grow, so one read afterwards that holds
		// fewer leaves than a checkpoint means the log lost records.
		cps, err := readCheckpoints(ctx, tx)
		if err != nil {
			return err
		}
		size, err = treeSize(ctx, tx)
		if err != nil {
			return err
		}
		var tree rebuild
		ci := 0
		checkRoots := func() {
			for ; ci < len(cps) && cps[ci].size == tree.n; ci++ {
				l.auditCheckpoint(cps[ci], tree.root(), report)
			}
		}
		checkRoots()
		for start := int64(0); start < size; start += auditPage {
			end := min(start+auditPage, size)
			leaves, err := readLeaves(ctx, tx, start, end)
			if err != nil {
				return err
			}
			stored, err := readHashRange(ctx, tx, tlog.StoredHashCount(start), tlog.StoredHashCount(end))
			if err != nil {
				return err
			}
			for n := start; n < end; n++ {
				lf, ok := leaves[n]
				leafHash := tlog.RecordHash(lf.data)
				if !ok {
					report(LeafMissing, n, "no row in tlog_leaves")
					// Carry on from the stored leaf hash, so one lost row is reported
					// once rather than as a cascade up the tree.
					if raw, found := stored[tlog.StoredHashCount(n)]; found && len(raw) == tlog.HashSize {
						leafHash = tlog.Hash(raw)
					}
				} else if !equalHash(lf.hash, leafHash) {
					report(LeafHash, n, "leaf_hash %x, data hashes to %x", short(lf.hash), leafHash[:4])
				}
				for i, h := range tree.add(leafHash) {
					idx := tlog.StoredHashCount(n) + int64(i)
					got, ok := stored[idx]
					level, at := tlog.SplitStoredHashIndex(idx)
					switch {
					case !ok:
						report(StoredHash, idx, "missing hash of level %d node %d", level, at)
					case !equalHash(got, h):
						report(StoredHash, idx, "level %d node %d is %x, recomputed %x", level, at, short(got), h[:4])
					}
				}
				if next != nil {
					compareExpected(next, n, lf.data, ok, report)
				}
				checkRoots()
			}
		}
		for ; ci < len(cps); ci++ {
			report(CheckpointRoot, cps[ci].size, "checkpoint for %d records but the log holds %d", cps[ci].size, size)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tlog: audit: %w", err)
	}
	if next != nil {
		for extra := size; ; extra++ {
			if _, ok := next(); !ok {
				break
			}
			report(RecordMissing, extra, "expected a record the log does not hold")
		}
	}
	return out, nil
}

func compareExpected(next func() ([]byte, bool), n int64, data []byte, present bool, report func(DivergenceKind, int64, string, ...any)) {
	want, ok := next()
	switch {
	case !ok:
		report(RecordUnexpected, n, "the log holds a record the caller did not expect")
	case !present:
		report(RecordMissing, n, "expected record is not in the log")
	case !bytes.Equal(want, data):
		w, g := sha256.Sum256(want), sha256.Sum256(data)
		report(RecordMismatch, n, "leaf data (sha256 %x) differs from the expected record (sha256 %x)", g[:4], w[:4])
	}
}

func (l *Log) auditCheckpoint(cp keptCheckpoint, root tlog.Hash, report func(DivergenceKind, int64, string, ...any)) {
	if !equalHash(cp.root, root) {
		report(CheckpointRoot, cp.size, "root column %x, recomputed %x", short(cp.root), root[:4])
	}
	text, ok := bodyOf(cp.note)
	head, err := ParseTreeHead(text)
	if !ok || err != nil || head.Size != cp.size || head.Root != root {
		report(CheckpointRoot, cp.size, "signed note text does not state the recomputed tree head")
	}
	_, err = note.Open([]byte(cp.note), note.VerifierList(l.verifier))
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &unverified):
		// Signed by a key from before a rotation: its text was checked above.
	case err != nil:
		report(CheckpointSignature, cp.size, "%v", err)
	}
}

// rebuild recomputes stored hashes leaf by leaf, keeping only the roots of the
// complete subtrees to the left (one per level), so memory stays constant.
type rebuild struct {
	n     int64
	roots [64]tlog.Hash
}

// add appends a leaf hash and returns the stored hashes it completes, in stored index
// order: the leaf itself, then each parent it closes.
func (b *rebuild) add(h tlog.Hash) []tlog.Hash {
	out := []tlog.Hash{h}
	level := 0
	for n := b.n; n&1 == 1; n >>= 1 {
		h = tlog.NodeHash(b.roots[level], h)
		out = append(out, h)
		level++
	}
	b.roots[level] = h
	b.n++
	return out
}

// root returns the tree hash of the leaves added so far.
func (b *rebuild) root() tlog.Hash {
	if b.n == 0 {
		return sha256.Sum256(nil)
	}
	var h tlog.Hash
	first := true
	for level := 0; level < 64; level++ {
		if b.n>>level&1 == 0 {
			continue
		}
		if first {
			h, first = b.roots[level], false
		} else {
			h = tlog.NodeHash(b.roots[level], h)
		}
	}
	return h
}

func short(raw []byte) []byte { return raw[:min(4, len(raw))] }
