package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// spoolBuffer is the size of the writes that fill a spooled upload's file.
const spoolBuffer = 64 << 10

// spooled is an upload written to a temporary file and checked.
type spooled struct {
	file *os.File
	blob Blob
}

// discard closes and removes the temporary file.
func (s *spooled) discard() {
	name := s.file.Name()
	_ = s.file.Close()
	_ = os.Remove(name)
}

// spool copies r into a new temporary file in dir, hashing it and stopping
// one byte past limits.MaxBytes, then runs every check, the scanner
// included when it is not nil. On any error the file is already removed.
func spool(ctx context.Context, dir string, r io.Reader, limits Limits, scanner Scanner) (*spooled, error) {
	if err := limits.validate(); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "put-*")
	if err != nil {
		return nil, fmt.Errorf("documents: put: %w", err)
	}
	s := &spooled{file: f}
	blob, err := s.fill(ctx, r, limits, scanner)
	if err != nil {
		s.discard()
		return nil, err
	}
	s.blob = blob
	return s, nil
}

// gather copies src into f and h in writes of spoolBuffer bytes (the last one
// shorter) and returns how many bytes it copied.
func gather(f io.Writer, h io.Writer, src io.Reader) (int64, error) {
	buf, done := buffer()
	defer done()
	b := buf[:spoolBuffer]
	var n int64
	for {
		k, rerr := io.ReadFull(src, b)
		if k > 0 {
			_, _ = h.Write(b[:k]) // a hash.Hash never fails
			if _, err := f.Write(b[:k]); err != nil {
				return n, err
			}
			n += int64(k)
		}
		switch rerr {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return n, nil
		default:
			return n, rerr
		}
	}
}

// fill writes the upload into the temporary file and checks it.
func (s *spooled) fill(ctx context.Context, r io.Reader, limits Limits, scanner Scanner) (Blob, error) {
	h := sha256.New()
	src := &ctxReader{ctx: ctx, r: io.LimitReader(r, limits.MaxBytes+1)}
	// A multipart part reads in pieces of at most 4 KiB, and io.Copy wrote each piece
	// with a system call of its own: 25 writes for a 100 KB upload (issue 18). The
	// pieces are gathered into 64 KiB writes, through a pooled buffer; Sync below
	// still follows the last one.
	n, err := gather(s.file, h, src)
	if err != nil {
		return Blob{}, fmt.Errorf("documents: put: %w", err)
	}
	if n > limits.MaxBytes {
		return Blob{}, &RejectError{Reason: ErrTooLarge, Limit: limits.MaxBytes, Allowed: limits.Allowed,
			Detail: fmt.Sprintf("more than %d bytes", limits.MaxBytes)}
	}
	t, err := inspect(ctx, s.file, n, limits)
	if err != nil {
		return Blob{}, err
	}
	if scanner != nil {
		threat, err := scanner.Scan(ctx, io.NewSectionReader(s.file, 0, n))
		if err != nil {
			return Blob{}, fmt.Errorf("documents: put: scan: %w", err)
		}
		if threat != "" {
			return Blob{}, &RejectError{Reason: ErrMalware, Detected: t.ID, Detail: threat}
		}
	}
	// The content must survive a crash once Put has returned.
	if err := s.file.Sync(); err != nil {
		return Blob{}, fmt.Errorf("documents: put: %w", err)
	}
	return Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Type: t.ID, MIME: t.MIME}, nil
}
