package tlog

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/store"
)

// proofHeader is the first line of a proof bundle (c2sp.org/tlog-proof).
const proofHeader = "c2sp.org/tlog-proof@v1"

// InclusionProof returns the RFC 6962 inclusion proof of the record at index in the
// tree of the log's first size records.
func (l *Log) InclusionProof(ctx context.Context, index, size int64) (tlog.RecordProof, error) {
	var p tlog.RecordProof
	err := l.db.View(ctx, func(tx *store.Tx) error {
		if err := l.checkSize(ctx, tx, size); err != nil {
			return err
		}
		if index < 0 || index >= size {
			return fmt.Errorf("index outside the tree: %w", store.ErrNotFound)
		}
		var err error
		p, err = tlog.ProveRecord(size, index, l.proofReader(ctx, tx))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tlog: inclusion proof of %d in %d: %w", index, size, err)
	}
	return p, nil
}

// ConsistencyProof returns the RFC 6962 proof that the tree of the first oldSize
// records is a prefix of the tree of the first newSize records.
func (l *Log) ConsistencyProof(ctx context.Context, oldSize, newSize int64) (tlog.TreeProof, error) {
	var p tlog.TreeProof
	err := l.db.View(ctx, func(tx *store.Tx) error {
		if err := l.checkSize(ctx, tx, newSize); err != nil {
			return err
		}
		if oldSize < 0 || oldSize > newSize {
			return fmt.Errorf("old size outside the tree: %w", store.ErrNotFound)
		}
		var err error
		p, err = tlog.ProveTree(newSize, oldSize, l.proofReader(ctx, tx))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tlog: consistency proof %d→%d: %w", oldSize, newSize, err)
	}
	return p, nil
}

// checkSize checks size for a proof in the read-only transaction tx, through the
// cache unless the log has none.
func (l *Log) checkSize(ctx context.Context, tx *store.Tx, size int64) error {
	if l.cache == nil {
		return checkSize(ctx, tx, size)
	}
	return l.cache.checkSize(ctx, tx, size)
}

// proofReader returns the hash reader proofs use in the read-only transaction tx.
func (l *Log) proofReader(ctx context.Context, tx *store.Tx) tlog.HashReader {
	if l.cache == nil {
		return hashReader(ctx, tx)
	}
	return l.cache.reader(ctx, tx)
}

// Proof is a parsed proof bundle.
type Proof struct {
	// Extra is the bundle's optional, unauthenticated extra data.
	Extra []byte
	// Index is the record's position in the log.
	Index int64
	// Hashes is the inclusion proof, from the leaf's sibling up.
	Hashes tlog.RecordProof
	// Checkpoint is the signed checkpoint the proof leads to, verbatim.
	Checkpoint []byte
}

// ProofBundle returns an offline-verifiable proof (c2sp.org/tlog-proof@v1) that the
// record at index is in the log: the header line, "index N", the inclusion proof as
// one base64 hash a line, an empty line, and the signed checkpoint the proof leads to.
// Anyone holding the log's public key checks it with VerifyProof.
func (l *Log) ProofBundle(ctx context.Context, index int64) ([]byte, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	text, _ := bodyOf(string(cp))
	head, err := ParseTreeHead(text)
	if err != nil {
		return nil, err
	}
	hashes, err := l.InclusionProof(ctx, index, head.Size)
	if err != nil {
		return nil, err
	}
	return Proof{Index: index, Hashes: hashes, Checkpoint: cp}.Marshal(), nil
}

// Marshal encodes p in the c2sp.org/tlog-proof@v1 text form.
func (p Proof) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString(proofHeader + "\n")
	if len(p.Extra) > 0 {
		b.WriteString("extra " + base64.StdEncoding.EncodeToString(p.Extra) + "\n")
	}
	fmt.Fprintf(&b, "index %d\n", p.Index)
	for _, h := range p.Hashes {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(p.Checkpoint)
	return b.Bytes()
}

// ParseProof parses a c2sp.org/tlog-proof@v1 bundle without verifying anything.
func ParseProof(bundle []byte) (Proof, error) {
	bad := func(why string) (Proof, error) {
		return Proof{}, fmt.Errorf("tlog: proof: %w: %s", ErrMalformed, why)
	}
	var p Proof
	rest := string(bundle)
	line := func() (string, bool) {
		l, r, ok := strings.Cut(rest, "\n")
		rest = r
		return l, ok
	}
	if l, ok := line(); !ok || l != proofHeader {
		return bad("first line is not " + proofHeader)
	}
	l, ok := line()
	if extra, found := strings.CutPrefix(l, "extra "); ok && found {
		raw, err := base64.StdEncoding.DecodeString(extra)
		if err != nil {
			return bad("extra data is not base64")
		}
		p.Extra = raw
		l, ok = line()
	}
	digits, found := strings.CutPrefix(l, "index ")
	idx, err := strconv.ParseInt(digits, 10, 64)
	if !ok || !found || err != nil || idx < 0 || strconv.FormatInt(idx, 10) != digits {
		return bad("no valid index line")
	}
	p.Index = idx
	for {
		l, ok = line()
		if !ok {
			return bad("no empty line before the checkpoint")
		}
		if l == "" {
			break
		}
		raw, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(raw) != tlog.HashSize {
			return bad("inclusion proof line is not a base64 SHA-256 hash")
		}
		if len(p.Hashes) == 64 {
			return bad("inclusion proof longer than 64 hashes")
		}
		p.Hashes = append(p.Hashes, tlog.Hash(raw))
	}
	p.Checkpoint = []byte(rest)
	return p, nil
}

// VerifyProof checks, offline, that bundle proves record is in the log whose
// checkpoint keys are verifiers (pass every key the log has used, so bundles signed
// before a key rotation still verify; note.NewVerifier builds one from published key
// text). Errors wrap ErrMalformed, ErrWrongLog (another log, or a key not given),
// ErrBadSignature (the checkpoint was altered) or ErrNotIncluded (another record, or an
// altered proof).
func VerifyProof(bundle, record []byte, verifiers ...note.Verifier) error {
	p, err := ParseProof(bundle)
	if err != nil {
		return err
	}
	head, err := OpenCheckpoint(p.Checkpoint, verifiers...)
	if err != nil {
		return fmt.Errorf("tlog: proof: %w", err)
	}
	if p.Index >= head.Size {
		return fmt.Errorf("tlog: proof: index %d beyond checkpoint size %d: %w", p.Index, head.Size, ErrNotIncluded)
	}
	if err := tlog.CheckRecord(p.Hashes, head.Size, head.Root, p.Index, tlog.RecordHash(record)); err != nil {
		return fmt.Errorf("tlog: proof: record %d in %s at size %d: %w", p.Index, head.Origin, head.Size, ErrNotIncluded)
	}
	return nil
}

// VerifyProofWithKeys is VerifyProof with the log's keys given as published signed-note
// verifier key text (name+hash+base64), as an offline verifier would hold them.
func VerifyProofWithKeys(bundle, record []byte, vkeys ...string) error {
	var vs []note.Verifier
	for _, k := range vkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return fmt.Errorf("tlog: proof: log key %q: %w: %v", k, ErrMalformed, err)
		}
		vs = append(vs, v)
	}
	return VerifyProof(bundle, record, vs...)
}
