package tlog

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
)

// TreeHead is the body of a checkpoint (c2sp.org/tlog-checkpoint): which log, how many
// records, and the Merkle tree hash over them.
type TreeHead struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// String formats the head as checkpoint note text: origin, decimal size and base64
// root, each on its own line.
func (h TreeHead) String() string {
	return fmt.Sprintf("%s\n%d\n%s\n", h.Origin, h.Size, base64.StdEncoding.EncodeToString(h.Root[:]))
}

// ParseTreeHead parses checkpoint note text (the part above the signatures).
// Extension lines are allowed and ignored.
func ParseTreeHead(text string) (TreeHead, error) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return TreeHead{}, fmt.Errorf("tlog: checkpoint: %w: want origin, size and root lines", ErrMalformed)
	}
	origin, sizeText, rootText := lines[0], lines[1], lines[2]
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if origin == "" || err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeText {
		return TreeHead{}, fmt.Errorf("tlog: checkpoint: %w: bad origin or size", ErrMalformed)
	}
	root, err := base64.StdEncoding.DecodeString(rootText)
	if err != nil || len(root) != tlog.HashSize {
		return TreeHead{}, fmt.Errorf("tlog: checkpoint: %w: bad root hash", ErrMalformed)
	}
	for _, ext := range lines[3 : len(lines)-1] {
		if ext == "" {
			return TreeHead{}, fmt.Errorf("tlog: checkpoint: %w: empty extension line", ErrMalformed)
		}
	}
	return TreeHead{Origin: origin, Size: size, Root: tlog.Hash(root)}, nil
}

// Checkpoint returns the signed checkpoint for the log's current size. Each size is
// signed once and kept in tlog_checkpoints; a kept note is signed again only when it
// no longer verifies with the log's verifier (the key was rotated). Before signing a
// new size the log checks that its tree still hashes to the root of the latest
// checkpoint it signed, and refuses (ErrInconsistent) otherwise.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	var (
		head     TreeHead
		cached   string
		reuse    bool
		prev     *TreeHead
		prevRoot tlog.Hash
	)
	err := l.db.View(ctx, func(tx *store.Tx) error {
		size, err := treeSize(ctx, tx)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, "SELECT note FROM tlog_checkpoints WHERE size = ?", size).Scan(&cached)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read checkpoint: %w", err)
		}
		if cached != "" && l.verifies(cached, size) {
			reuse = true
			return nil
		}
		r := hashReader(ctx, tx)
		root, err := tlog.TreeHash(size, r)
		if err != nil {
			return err
		}
		head = TreeHead{Origin: l.origin, Size: size, Root: root}
		var prevSize int64
		var raw []byte
		err = tx.QueryRow(ctx, "SELECT size, root FROM tlog_checkpoints WHERE size <= ? ORDER BY size DESC LIMIT 1", size).Scan(&prevSize, &raw)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read previous checkpoint: %w", err)
		}
		prev = &TreeHead{Origin: l.origin, Size: prevSize, Root: tlog.Hash(raw)}
		prevRoot, err = tlog.TreeHash(prevSize, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tlog: checkpoint: %w", err)
	}
	if reuse {
		return []byte(cached), nil
	}
	if prev != nil && prevRoot != prev.Root {
		return nil, fmt.Errorf("tlog: checkpoint at %d: tree hashes to %x at size %d, signed as %x: %w",
			head.Size, prevRoot[:4], prev.Size, prev.Root[:4], ErrInconsistent)
	}
	msg, err := note.Sign(&note.Note{Text: head.String()}, l.signer)
	if err != nil {
		return nil, fmt.Errorf("tlog: checkpoint: sign: %w", err)
	}
	err = l.db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tlog_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (size) DO UPDATE SET note = excluded.note, created_at = excluded.created_at
			WHERE tlog_checkpoints.root = excluded.root`,
			head.Size, head.Root[:], string(msg), store.Millis(tx.Now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tlog: checkpoint: store: %w", err)
	}
	return msg, nil
}

// verifies reports whether msg is a checkpoint of this log at size that the log's
// verifier accepts.
func (l *Log) verifies(msg string, size int64) bool {
	n, err := note.Open([]byte(msg), note.VerifierList(l.verifier))
	if err != nil {
		return false
	}
	head, err := ParseTreeHead(n.Text)
	return err == nil && head.Origin == l.origin && head.Size == size
}

// OpenCheckpoint verifies a signed checkpoint against the log keys in verifiers and
// returns its tree head. The origin line must be the name of a key that signed it.
// Errors wrap ErrMalformed, ErrWrongLog or ErrBadSignature.
func OpenCheckpoint(msg []byte, verifiers ...note.Verifier) (TreeHead, error) {
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	var invalid *note.InvalidSignatureError
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &invalid):
		return TreeHead{}, fmt.Errorf("tlog: checkpoint signed by %s: %w", invalid.Name, ErrBadSignature)
	case errors.As(err, &unverified):
		return TreeHead{}, fmt.Errorf("tlog: checkpoint %w: no signature by a known log key", ErrWrongLog)
	case err != nil:
		return TreeHead{}, fmt.Errorf("tlog: checkpoint: %w: %v", ErrMalformed, err)
	}
	head, err := ParseTreeHead(n.Text)
	if err != nil {
		return TreeHead{}, err
	}
	for _, s := range n.Sigs {
		if s.Name == head.Origin {
			return head, nil
		}
	}
	return TreeHead{}, fmt.Errorf("tlog: checkpoint for origin %q %w: signed by another name", head.Origin, ErrWrongLog)
}

// bodyOf returns the note text of a signed note without checking any signature.
func bodyOf(msg string) (string, bool) {
	i := strings.Index(msg, "\n\n")
	if i < 0 {
		return "", false
	}
	return msg[:i+1], true
}

// equalHash compares a stored hash column with a computed hash.
func equalHash(raw []byte, h tlog.Hash) bool { return bytes.Equal(raw, h[:]) }
