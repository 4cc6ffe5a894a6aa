// Package tlog keeps Miz's transparency log: an append-only RFC 6962 Merkle tree of
// records (certificate issuances and status changes) stored in the application's
// database and served as a C2SP tiled log (c2sp.org/tlog-tiles), with signed
// checkpoints (c2sp.org/tlog-checkpoint) and offline-verifiable proof bundles
// (c2sp.org/tlog-proof). Hashing and proofs come from golang.org/x/mod/sumdb/tlog.
//
// A database holds one log. Records are appended inside the caller's transaction, so
// a certificate and its log entry commit or roll back together; a record is at most
// MaxRecordSize bytes because entry bundles prefix entries with a uint16 length.
//
// Formats, all text, all standard base64 (RFC 4648 section 4):
//
//   - checkpoint (c2sp.org/tlog-checkpoint): "<origin>\n<size>\n<root>\n", signed as a
//     c2sp.org/signed-note with an Ed25519 key named after the origin;
//   - proof bundle (c2sp.org/tlog-proof@v1): "c2sp.org/tlog-proof@v1\n", an optional
//     "extra <base64>\n", "index <N>\n", one inclusion proof hash a line (leaf's
//     sibling first), an empty line, then the signed checkpoint verbatim.
package tlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
)

// MaxRecordSize is the largest record the log accepts: entry bundles prefix each
// entry with a big-endian uint16 length.
const MaxRecordSize = 1<<16 - 1

// TileHeight is the height of the tiles served, fixed by c2sp.org/tlog-tiles.
const TileHeight = 8

// lockKey names the PostgreSQL advisory lock that serialises appends ("miztlog").
const lockKey = 0x6d697a746c6f67

// Errors returned (wrapped) by the log and by VerifyProof.
var (
	// ErrMalformed means a proof bundle, checkpoint or tile path could not be parsed.
	ErrMalformed = errors.New("malformed")
	// ErrWrongLog means a checkpoint is not signed by any of the given log keys, or
	// names another origin: the proof is from another log.
	ErrWrongLog = errors.New("not from this log")
	// ErrBadSignature means a checkpoint carries a signature by the log's key that
	// does not verify: it was altered.
	ErrBadSignature = errors.New("checkpoint signature does not verify")
	// ErrNotIncluded means the inclusion proof does not prove that the record is in
	// the checkpointed tree.
	ErrNotIncluded = errors.New("record not included")
	// ErrInconsistent means the stored tree disagrees with a checkpoint the log has
	// signed before; the log refuses to sign anything until an audit explains why.
	ErrInconsistent = errors.New("tree inconsistent with an earlier checkpoint")
	// ErrTooLarge means a record is longer than MaxRecordSize.
	ErrTooLarge = errors.New("record too large")
)

// Log is the transparency log kept in one database.
type Log struct {
	db       *store.DB
	origin   string
	signer   note.Signer
	verifier note.Verifier
	cache    *hashCache // committed hashes for proofs (cache.go); nil reads the table
}

// New returns the log in db. origin is the checkpoint's first line (for Miz, the
// log's URL prefix without scheme, e.g. "miz.ito.gov.ir/log"); signer signs
// checkpoints and should be named origin; verifier is its public half.
func New(db *store.DB, origin string, signer note.Signer, verifier note.Verifier) *Log {
	return &Log{db: db, origin: origin, signer: signer, verifier: verifier, cache: newHashCache()}
}

// Origin returns the log's origin line.
func (l *Log) Origin() string { return l.origin }

// Size returns the number of records in the log.
func (l *Log) Size(ctx context.Context) (int64, error) {
	var n int64
	err := l.db.View(ctx, func(tx *store.Tx) error {
		var err error
		n, err = treeSize(ctx, tx)
		return err
	})
	return n, err
}

// Record returns the record at index.
func (l *Log) Record(ctx context.Context, index int64) ([]byte, error) {
	var data []byte
	err := l.db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT data FROM tlog_leaves WHERE idx = ?", index).Scan(&data)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("tlog: record %d: %w", index, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("tlog: record %d: %w", index, err)
	}
	return data, nil
}

// Root returns the Merkle tree hash of the log's first size records.
func (l *Log) Root(ctx context.Context, size int64) (tlog.Hash, error) {
	var h tlog.Hash
	err := l.db.View(ctx, func(tx *store.Tx) error {
		if err := checkSize(ctx, tx, size); err != nil {
			return err
		}
		var err error
		h, err = tlog.TreeHash(size, hashReader(ctx, tx))
		return err
	})
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("tlog: root at %d: %w", size, err)
	}
	return h, nil
}

func treeSize(ctx context.Context, tx *store.Tx) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(idx) + 1, 0) FROM tlog_leaves").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("tree size: %w", err)
	}
	return n, nil
}

// checkSize fails with store.ErrNotFound unless the log has at least size records.
func checkSize(ctx context.Context, tx *store.Tx, size int64) error {
	if size < 0 {
		return fmt.Errorf("negative size %d: %w", size, store.ErrNotFound)
	}
	n, err := treeSize(ctx, tx)
	if err != nil {
		return err
	}
	if size > n {
		return fmt.Errorf("size %d beyond the log's %d records: %w", size, n, store.ErrNotFound)
	}
	return nil
}

// readChunk bounds the number of placeholders in one query.
const readChunk = 500

// hashReader reads stored hashes from the tlog_hashes table inside tx.
func hashReader(ctx context.Context, tx *store.Tx) tlog.HashReaderFunc {
	return func(indexes []int64) ([]tlog.Hash, error) {
		found := make(map[int64]tlog.Hash, len(indexes))
		for start := 0; start < len(indexes); start += readChunk {
			part := indexes[start:min(start+readChunk, len(indexes))]
			if err := readHashes(ctx, tx, part, found); err != nil {
				return nil, err
			}
		}
		out := make([]tlog.Hash, len(indexes))
		for i, idx := range indexes {
			h, ok := found[idx]
			if !ok {
				return nil, fmt.Errorf("stored hash %d: %w", idx, store.ErrNotFound)
			}
			out[i] = h
		}
		return out, nil
	}
}

func readHashes(ctx context.Context, tx *store.Tx, indexes []int64, into map[int64]tlog.Hash) error {
	args := make([]any, len(indexes))
	for i, idx := range indexes {
		args[i] = idx
	}
	q := "SELECT idx, hash FROM tlog_hashes WHERE idx IN (" + placeholders(len(indexes)) + ")"
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read hashes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var idx int64
		var raw []byte
		if err := rows.Scan(&idx, &raw); err != nil {
			return fmt.Errorf("read hashes: %w", err)
		}
		if len(raw) != tlog.HashSize {
			return fmt.Errorf("stored hash %d has %d bytes: %w", idx, len(raw), ErrMalformed)
		}
		into[idx] = tlog.Hash(raw)
	}
	return rows.Err()
}

func placeholders(n int) string {
	if n == 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
