package documents

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"sync"
	"testing"
)

// backend is a Store under test, with a way to list what it holds.
type backend struct {
	name  string
	store Store
	// leftovers lists every file or object the store holds, temporary
	// files included.
	leftovers func(t testing.TB) []string
}

// forEachBackend runs fn against a fresh Disk, and against S3 when an
// S3-compatible server is available (see newTestS3).
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Run("disk", func(t *testing.T) {
		d, root := newTestDisk(t, Options{})
		fn(t, backend{"disk", d, func(t testing.TB) []string { return filesUnder(t, root) }})
	})
	t.Run("s3", func(t *testing.T) {
		fn(t, newTestS3(t))
	})
}

// pdfLimits accepts PDFs of up to 1 MiB.
func pdfLimits() Limits { return Limits{MaxBytes: 1 << 20, Allowed: []string{TypePDF}} }

func TestStoreRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		data := samplePDF(5000)
		sum := sha256.Sum256(data)
		b, err := be.store.Put(ctx, bytes.NewReader(data), pdfLimits())
		if err != nil {
			t.Fatal(err)
		}
		if b.SHA256 != hex.EncodeToString(sum[:]) || b.Size != int64(len(data)) || b.Type != TypePDF || b.MIME != "application/pdf" {
			t.Fatalf("blob = %+v", b)
		}
		st, err := be.store.Stat(ctx, b.SHA256)
		if err != nil || st != b {
			t.Fatalf("stat = %+v, %v; want %+v", st, err, b)
		}
		rc, err := be.store.Open(ctx, b.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes, %v", len(got), err)
		}
		var walked []string
		if err := be.store.Walk(ctx, func(sha string, size int64) error {
			walked = append(walked, sha)
			if size != b.Size {
				t.Errorf("walk size %d", size)
			}
			return nil
		}); err != nil || len(walked) != 1 || walked[0] != b.SHA256 {
			t.Fatalf("walk = %v, %v", walked, err)
		}
		if err := be.store.Delete(ctx, b.SHA256); err != nil {
			t.Fatal(err)
		}
		if _, err := be.store.Open(ctx, b.SHA256); !errors.Is(err, ErrNotFound) {
			t.Fatalf("open after delete: %v", err)
		}
		if err := be.store.Delete(ctx, b.SHA256); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if left := be.leftovers(t); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
}

func TestStoreRefusesAddressesThatAreNotHashes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		for _, sha := range []string{"", "../../etc/passwd", "ABCDEF", string(bytes.Repeat([]byte("A"), 64)), "../" + string(bytes.Repeat([]byte("a"), 61))} {
			if _, err := be.store.Open(ctx, sha); !errors.Is(err, ErrNotFound) {
				t.Errorf("open %q: %v", sha, err)
			}
			if _, err := be.store.Stat(ctx, sha); !errors.Is(err, ErrNotFound) {
				t.Errorf("stat %q: %v", sha, err)
			}
			if err := be.store.Delete(ctx, sha); !errors.Is(err, ErrNotFound) {
				t.Errorf("delete %q: %v", sha, err)
			}
		}
	})
}

func TestIdenticalContentIsStoredOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		data := samplePDF(3000)
		a, err := be.store.Put(ctx, bytes.NewReader(data), pdfLimits())
		if err != nil {
			t.Fatal(err)
		}
		b, err := be.store.Put(ctx, bytes.NewReader(data), pdfLimits())
		if err != nil || a != b {
			t.Fatalf("second put = %+v, %v; want %+v", b, err, a)
		}
		if left := be.leftovers(t); len(left) != 1 {
			t.Fatalf("stored %v, want one blob", left)
		}
	})
}

func TestConcurrentPutsOfSameContentAreSafe(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		ctx := context.Background()
		data := samplePDF(50_000)
		const n = 8
		var wg sync.WaitGroup
		blobs := make([]Blob, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { blobs[i], errs[i] = be.store.Put(ctx, bytes.NewReader(data), pdfLimits()) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || blobs[i] != blobs[0] {
				t.Fatalf("put %d = %+v, %v", i, blobs[i], errs[i])
			}
		}
		if left := be.leftovers(t); len(left) != 1 {
			t.Fatalf("stored %v, want one blob", left)
		}
		rc, err := be.store.Open(ctx, blobs[0].SHA256)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		got, _ := io.ReadAll(rc)
		if !bytes.Equal(got, data) {
			t.Fatal("content differs after concurrent puts")
		}
	})
}

// endlessReader yields up to size bytes of a PDF-looking stream and counts
// what was read from it.
type endlessReader struct {
	size, read int64
}

// Read fills p with a PDF header and then filler.
func (e *endlessReader) Read(p []byte) (int, error) {
	if e.read >= e.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), e.size-e.read))
	for i := range n {
		p[i] = 'a'
	}
	if e.read == 0 {
		n = max(n, copy(p, "%PDF-1.7\n"))
	}
	e.read += int64(n)
	return n, nil
}

func TestLimitIsEnforcedWhileStreaming(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		const limit = 1 << 20
		src := &endlessReader{size: 1 << 30}
		_, err := be.store.Put(context.Background(), src, Limits{MaxBytes: limit, Allowed: []string{TypePDF}})
		var rej *RejectError
		if !errors.As(err, &rej) || rej.Reason != ErrTooLarge || rej.Limit != limit {
			t.Fatalf("err = %v, want too large", err)
		}
		if src.read != limit+1 {
			t.Fatalf("read %d bytes of a 1 GiB stream, want %d", src.read, limit+1)
		}
		if left := be.leftovers(t); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
}

func TestRejectionLeavesNothingInAnyBackend(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be backend) {
		for _, tc := range hostileCases(t) {
			_, err := be.store.Put(context.Background(), bytes.NewReader(tc.data), tc.limits)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want)
			}
		}
		if left := be.leftovers(t); len(left) != 0 {
			t.Fatalf("left behind: %v", left)
		}
	})
}

func TestPutStopsWhenContextIsCancelled(t *testing.T) {
	d, root := newTestDisk(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := d.Put(ctx, &endlessReader{size: 1 << 30}, pdfLimits())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if left := filesUnder(t, root); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

func BenchmarkPut100KB(b *testing.B) {
	d, _ := newTestDisk(b, Options{})
	ctx := context.Background()
	data := samplePDF(100_000)
	limits := Limits{MaxBytes: 10 << 20, Allowed: []string{TypePDF}, Declared: "application/pdf", Filename: "scan.pdf"}
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		// Vary one byte so that every put stores a new blob.
		data[20] = byte(i)
		data[21] = byte(i >> 8)
		if _, err := d.Put(ctx, bytes.NewReader(data), limits); err != nil {
			b.Fatal(err)
		}
	}
}
