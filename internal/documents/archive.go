package documents

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ArchiveLimits bounds what a ZIP-based upload may expand to. A zero field
// takes its default.
type ArchiveLimits struct {
	// MaxUncompressed caps the bytes all entries expand to, nested ones
	// included (default 256 MiB).
	MaxUncompressed int64
	// MaxRatio caps how many times an entry, or the whole archive, may
	// expand once it holds more than 1 MiB (default 100).
	MaxRatio int64
	// MaxEntries caps the number of entries, nested ones included
	// (default 2000).
	MaxEntries int
	// MaxDepth is how deep archives may nest inside the upload (default 1:
	// a ZIP may hold a ZIP, such as a DOCX holding an embedded XLSX, but
	// that one may hold no further archive). A negative value allows none.
	MaxDepth int
	// MaxNested caps the size of one nested archive, which is inspected in
	// memory (default 32 MiB).
	MaxNested int64
}

// withDefaults fills the zero fields.
func (l ArchiveLimits) withDefaults() ArchiveLimits {
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = 256 << 20
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = 100
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = 2000
	}
	if l.MaxDepth == 0 {
		l.MaxDepth = 1
	} else if l.MaxDepth < 0 {
		l.MaxDepth = 0
	}
	if l.MaxNested <= 0 {
		l.MaxNested = 32 << 20
	}
	return l
}

// ratioFloor is the size below which expansion ratios are not judged:
// small runs of repeated bytes compress very well and harm no one.
const ratioFloor = 1 << 20

// archiveBudget is shared across nested archives so that nesting cannot
// multiply the caps.
type archiveBudget struct {
	lim        ArchiveLimits
	expanded   int64
	compressed int64
	entries    int
}

// checkArchive inspects the ZIP in r and returns its container type, or a
// *RejectError for a bomb, an unsafe name, a hidden nested archive or the
// EICAR marker in any entry.
func checkArchive(ctx context.Context, r io.ReaderAt, size int64, b *archiveBudget, depth int) (string, error) {
	zr, err := zip.NewReader(r, size)
	if errors.Is(err, zip.ErrInsecurePath) {
		return "", &RejectError{Reason: ErrArchivePath, Detected: TypeZIP, Detail: err.Error()}
	}
	if err != nil {
		return "", &RejectError{Reason: ErrMalformed, Detected: TypeZIP, Detail: err.Error()}
	}
	if strings.Contains(zr.Comment, magicPDF) {
		return "", &RejectError{Reason: ErrPolyglot, Detected: TypeZIP, Detail: "PDF header in ZIP comment"}
	}
	b.entries += len(zr.File)
	if b.entries > b.lim.MaxEntries {
		return "", bomb("%d entries, over %d", b.entries, b.lim.MaxEntries)
	}
	var declared uint64
	for _, f := range zr.File {
		if err := checkEntryName(f); err != nil {
			return "", err
		}
		declared += f.UncompressedSize64
	}
	if declared > uint64(b.lim.MaxUncompressed-b.expanded) {
		return "", bomb("entries declare %d bytes, over %d", declared, b.lim.MaxUncompressed)
	}
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		if err := checkEntry(ctx, f, b, depth); err != nil {
			return "", err
		}
	}
	if b.expanded > ratioFloor && b.expanded > b.compressed*b.lim.MaxRatio {
		return "", bomb("archive expands %d to %d bytes", b.compressed, b.expanded)
	}
	return containerType(zr), nil
}

// bomb returns a zip bomb rejection with a detail for the log.
func bomb(format string, args ...any) *RejectError {
	return &RejectError{Reason: ErrZipBomb, Detected: TypeZIP, Detail: fmt.Sprintf(format, args...)}
}

// checkEntryName refuses entries that would land outside the directory they
// are extracted into, and links, which can point anywhere.
func checkEntryName(f *zip.File) error {
	name := f.Name
	bad := name == "" || strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") ||
		(len(name) >= 2 && name[1] == ':')
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			bad = true
		}
	}
	if m := f.Mode(); bad || !m.IsRegular() && !m.IsDir() {
		return &RejectError{Reason: ErrArchivePath, Detected: TypeZIP, Detail: fmt.Sprintf("entry %q mode %v", name, f.Mode())}
	}
	return nil
}

// checkEntry expands one entry, counting the bytes it really yields rather
// than the size it declares, and looks inside it.
func checkEntry(ctx context.Context, f *zip.File, b *archiveBudget, depth int) error {
	if f.Flags&0x1 != 0 {
		return &RejectError{Reason: ErrEncrypted, Detected: TypeZIP, Detail: "entry " + f.Name}
	}
	if f.Mode().IsDir() {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return &RejectError{Reason: ErrMalformed, Detected: TypeZIP, Detail: fmt.Sprintf("entry %q: %v", f.Name, err)}
	}
	defer rc.Close()
	allowed := min(b.lim.MaxUncompressed-b.expanded, max(ratioFloor, int64(f.CompressedSize64)*b.lim.MaxRatio))
	eicar := newFinder(eicarMarker)
	head := &headWriter{max: 512}
	n, err := io.Copy(io.MultiWriter(eicar, head), io.LimitReader(rc, allowed+1))
	if err != nil {
		return &RejectError{Reason: ErrMalformed, Detected: TypeZIP, Detail: fmt.Sprintf("entry %q: %v", f.Name, err)}
	}
	if n > allowed {
		return bomb("entry %q expands past %d bytes from %d", f.Name, allowed, f.CompressedSize64)
	}
	b.expanded += n
	b.compressed += int64(f.CompressedSize64)
	if eicar.found() {
		return &RejectError{Reason: ErrMalware, Detected: TypeZIP, Detail: "EICAR test marker in entry " + f.Name}
	}
	return checkNested(ctx, f, head.buf, n, b, depth)
}

// checkNested looks at an entry that is itself compressed: a ZIP is
// inspected in turn while depth allows, a gzip stream is expanded and
// counted, and formats that cannot be inspected here are refused.
func checkNested(ctx context.Context, f *zip.File, head []byte, n int64, b *archiveBudget, depth int) error {
	nested := func(detail string) error {
		return &RejectError{Reason: ErrNestedArchive, Detected: TypeZIP, Detail: fmt.Sprintf("entry %q: %s", f.Name, detail)}
	}
	switch {
	case bytes.HasPrefix(head, []byte(magicZIP)) || bytes.HasPrefix(head, []byte(magicEOCD)):
		if depth >= b.lim.MaxDepth {
			return nested(fmt.Sprintf("archive at depth %d", depth+1))
		}
		if n > b.lim.MaxNested {
			return nested(fmt.Sprintf("nested archive of %d bytes", n))
		}
		data, err := readEntry(f, n)
		if err != nil {
			return &RejectError{Reason: ErrMalformed, Detected: TypeZIP, Detail: err.Error()}
		}
		_, err = checkArchive(ctx, bytes.NewReader(data), int64(len(data)), b, depth+1)
		return err
	case bytes.HasPrefix(head, []byte("\x1f\x8b")):
		if depth >= b.lim.MaxDepth {
			return nested(fmt.Sprintf("gzip at depth %d", depth+1))
		}
		return checkGzip(f, b)
	case isOpaqueArchive(head):
		return nested("archive format that cannot be inspected")
	}
	return nil
}

// checkGzip expands a gzip entry (Office keeps compressed EMF pictures this
// way) only to count its size against the budget.
func checkGzip(f *zip.File, b *archiveBudget) error {
	rc, err := f.Open()
	if err != nil {
		return &RejectError{Reason: ErrMalformed, Detected: TypeZIP, Detail: err.Error()}
	}
	defer rc.Close()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		return &RejectError{Reason: ErrMalformed, Detected: TypeZIP, Detail: fmt.Sprintf("entry %q: %v", f.Name, err)}
	}
	allowed := min(b.lim.MaxUncompressed-b.expanded, max(ratioFloor, int64(f.CompressedSize64)*b.lim.MaxRatio))
	n, err := io.Copy(io.Discard, io.LimitReader(zr, allowed+1))
	if err != nil {
		return &RejectError{Reason: ErrMalformed, Detected: TypeZIP, Detail: fmt.Sprintf("entry %q: %v", f.Name, err)}
	}
	if n > allowed {
		return bomb("gzip entry %q expands past %d bytes", f.Name, allowed)
	}
	b.expanded += n
	return nil
}

// isOpaqueArchive reports whether head starts an archive or compressed
// format that this package cannot look into.
func isOpaqueArchive(head []byte) bool {
	for _, m := range []string{
		"7z\xbc\xaf\x27\x1c", "Rar!\x1a\x07", "\xfd7zXZ\x00",
		"\x28\xb5\x2f\xfd", "MSCF", "\x1f\x9d", "\x1f\xa0",
	} {
		if bytes.HasPrefix(head, []byte(m)) {
			return true
		}
	}
	if len(head) >= 4 && string(head[:3]) == "BZh" && head[3] >= '1' && head[3] <= '9' {
		return true
	}
	return len(head) >= 262 && string(head[257:262]) == "ustar"
}
