package documents

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// shortReaderAt returns the bytes it has and io.EOF for the rest, as a file that
// shrank under the reader would.
type shortReaderAt []byte

func (s shortReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(s)) {
		return 0, io.EOF
	}
	n := copy(p, s[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Issue 18: uploads are checked through pooled buffers, so a buffer may hold an
// earlier upload's bytes. A ZIP directory record in one upload's tail must not be
// found again in the next upload's, even when that one reads short.
func TestPooledTailHoldsNothingOfAnEarlierUpload_Issue18(t *testing.T) {
	evil := append(bytes.Repeat([]byte("a"), 70_000), []byte(magicEOCD)...)
	evil = append(evil, make([]byte, 18)...)
	var rej *RejectError
	if err := checkPolyglot(bytes.NewReader(evil), int64(len(evil)), TypeTXT, -1); !errors.As(err, &rej) || rej.Reason != ErrPolyglot {
		t.Fatalf("a text file with a ZIP directory at its end: %v, want a polyglot refusal", err)
	}
	// The next upload claims 70,000 bytes but only 1,000 can be read: the rest of the
	// pooled tail still holds the first upload's directory record.
	clean := shortReaderAt(bytes.Repeat([]byte("b"), 1000))
	for range 4 { // the pool may hand out another buffer; try a few times
		if err := checkPolyglot(clean, 70_000, TypeTXT, -1); err != nil {
			t.Fatalf("a clean upload after a refused one: %v", err)
		}
	}
}
