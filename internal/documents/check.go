package documents

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
)

// Limits says what one upload may be. MaxBytes and Allowed are required.
type Limits struct {
	// MaxBytes is the largest upload accepted; reading stops one byte past it.
	MaxBytes int64
	// Allowed lists the accepted type identifiers (TypePDF, TypePNG, ...).
	Allowed []string
	// Declared is the type the client declared, usually its Content-Type;
	// empty or application/octet-stream means none was declared.
	Declared string
	// Filename is the client's name for the file; its extension, if any,
	// must agree with the content.
	Filename string
	// Archive bounds ZIP-based uploads; zero fields take their defaults.
	Archive ArchiveLimits
}

// validate reports a programming error in the limits themselves.
func (l Limits) validate() error {
	if l.MaxBytes <= 0 {
		return fmt.Errorf("documents: limits: MaxBytes must be positive, got %d", l.MaxBytes)
	}
	if len(l.Allowed) == 0 {
		return fmt.Errorf("documents: limits: no allowed types")
	}
	for _, id := range l.Allowed {
		if _, ok := LookupType(id); !ok {
			return fmt.Errorf("documents: limits: unknown type %q", id)
		}
	}
	return nil
}

// inspect detects the type of the size bytes in r and runs every check that
// does not need a virus scanner. It returns the detected type, or a
// *RejectError naming why the content is refused.
func inspect(ctx context.Context, r io.ReaderAt, size int64, limits Limits) (FileType, error) {
	if size == 0 {
		return FileType{}, &RejectError{Reason: ErrEmpty}
	}
	head := make([]byte, min(size, 1024))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return FileType{}, fmt.Errorf("documents: inspect: %w", err)
	}
	id := sniff(head)

	// One pass over the raw bytes: the EICAR marker, a PDF header where a
	// PDF reader would find one, and whether the content is text.
	eicar, pdf, text := newFinder(eicarMarker), newFinder(magicPDF), &textCheck{}
	w := io.MultiWriter(eicar, pdf)
	if id == "" {
		w = io.MultiWriter(eicar, pdf, text)
	}
	buf, done := buffer()
	_, err := io.CopyBuffer(w, &ctxReader{ctx: ctx, r: io.NewSectionReader(r, 0, size)}, buf)
	done()
	if err != nil {
		return FileType{}, fmt.Errorf("documents: inspect: %w", err)
	}
	if eicar.found() {
		return FileType{}, &RejectError{Reason: ErrMalware, Detected: id, Detail: "EICAR test marker"}
	}
	if id == "" && text.ok() {
		id = TypeTXT
	}

	budget := &archiveBudget{lim: limits.Archive.withDefaults()}
	if id == TypeZIP {
		container, err := checkArchive(ctx, r, size, budget, 0)
		if err != nil {
			return FileType{}, err
		}
		id = container
	}
	if err := checkAllowed(id, limits); err != nil {
		return FileType{}, err
	}
	if err := checkPolyglot(r, size, id, pdf.at); err != nil {
		return FileType{}, err
	}
	t, _ := LookupType(id)
	return t, nil
}

// checkAllowed refuses a type outside Limits.Allowed, or one that the
// declared type or the file name's extension contradicts.
func checkAllowed(id string, limits Limits) error {
	if id == "" || !slices.Contains(limits.Allowed, id) {
		return &RejectError{Reason: ErrTypeNotAllowed, Detected: id, Allowed: limits.Allowed}
	}
	if ids, given := mediaTypeIDs(limits.Declared); given && !slices.Contains(ids, id) {
		return &RejectError{Reason: ErrTypeMismatch, Detected: id, Declared: limits.Declared, Allowed: limits.Allowed}
	}
	if ids, given := extensionIDs(limits.Filename); given && !slices.Contains(ids, id) {
		return &RejectError{Reason: ErrTypeMismatch, Detected: id, Declared: limits.Filename, Allowed: limits.Allowed}
	}
	return nil
}

// checkPolyglot refuses content that another program would read as a
// different type: a PDF header outside a PDF, a ZIP directory at the end of
// a non-ZIP, or data hidden after an image's end. pdfAt is where a PDF
// header first occurs, or -1.
func checkPolyglot(r io.ReaderAt, size int64, id string, pdfAt int64) error {
	reject := func(detail string) error {
		return &RejectError{Reason: ErrPolyglot, Detected: id, Detail: detail}
	}
	switch id {
	case TypeZIP, TypeDOCX, TypeXLSX, TypeODT:
		// Stored entries may hold a PDF legitimately; only the first KiB,
		// where PDF readers look for a header, is refused.
		if pdfAt >= 0 && pdfAt < 1024 {
			return reject(fmt.Sprintf("PDF header at %d", pdfAt))
		}
		return nil
	case TypePDF:
	default:
		if pdfAt >= 0 {
			return reject(fmt.Sprintf("PDF header at %d", pdfAt))
		}
	}
	// ZIP readers look for the end-of-central-directory record in the last
	// 64 KiB + 22 bytes.
	tailLen := min(size, 1<<16+22)
	buf, done := buffer()
	defer done()
	tail := buf[:tailLen]
	k, err := r.ReadAt(tail, size-tailLen)
	if err != nil && err != io.EOF {
		return fmt.Errorf("documents: inspect: %w", err)
	}
	tail = tail[:k] // a pooled buffer: what was not read is an earlier upload's
	if i := bytes.Index(tail, []byte(magicEOCD)); i >= 0 {
		return reject(fmt.Sprintf("ZIP directory at %d", size-tailLen+int64(i)))
	}
	var end int64
	switch id {
	case TypePNG:
		end, err = pngEnd(r, size)
	case TypeJPEG:
		end, err = jpegEnd(r, size)
	default:
		return nil
	}
	if err != nil {
		return &RejectError{Reason: ErrMalformed, Detected: id, Detail: err.Error()}
	}
	if size-end > trailingSlack {
		return reject(fmt.Sprintf("%d bytes after the image ends", size-end))
	}
	return nil
}

// ctxReader stops reading once its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read reads from the underlying reader unless the context is done.
func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// detectStored detects the type of content that was checked when it was
// stored; it applies no limits, so it accepts every known type.
func detectStored(ctx context.Context, r io.ReaderAt, size int64) (FileType, error) {
	all := Limits{MaxBytes: size}
	for _, t := range fileTypes() {
		all.Allowed = append(all.Allowed, t.ID)
	}
	return inspect(ctx, r, size, all)
}
