package documents

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// trailingSlack is how many bytes may follow an image's end marker; some
// encoders pad, but a ZIP needs at least 22 bytes and a PDF more.
const trailingSlack = 16

// pngEnd returns the offset just past the IEND chunk of the PNG in r.
func pngEnd(r io.ReaderAt, size int64) (int64, error) {
	off := int64(len(magicPNG))
	var hdr [8]byte
	for off+12 <= size {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return 0, err
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		if n > 1<<31-1 {
			return 0, errors.New("png: chunk length out of range")
		}
		off += 12 + n
		if off > size {
			return 0, errors.New("png: truncated chunk")
		}
		if string(hdr[4:8]) == "IEND" {
			return off, nil
		}
	}
	return 0, errors.New("png: no IEND chunk")
}

// jpegEnd returns the offset just past the last EOI marker of the JPEG in r.
// Images that follow one another directly (the Multi-Picture Format that
// cameras use for previews) count as one.
func jpegEnd(r io.ReaderAt, size int64) (int64, error) {
	br := &countingReader{r: bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 32<<10)}
	end := int64(0)
	for {
		if end > 0 {
			next := make([]byte, 3)
			if _, err := r.ReadAt(next, end); err != nil || string(next) != magicJPEG {
				return end, nil
			}
		}
		if err := br.skip(2); err != nil { // SOI
			return 0, err
		}
		if err := jpegSegments(br); err != nil {
			return 0, fmt.Errorf("jpeg: %w", err)
		}
		end = br.n
	}
}

// jpegSegments reads marker segments and entropy-coded data up to and
// including the EOI marker.
func jpegSegments(br *countingReader) error {
	pending := -1 // a marker already read at the end of entropy-coded data
	for {
		var m byte
		if pending >= 0 {
			m, pending = byte(pending), -1
		} else {
			b, err := br.ReadByte()
			if err != nil {
				return err
			}
			if b != 0xff {
				return errors.New("marker expected")
			}
			if m, err = skipFill(br); err != nil {
				return err
			}
		}
		switch {
		case m == 0xd9: // EOI
			return nil
		case m == 0x01 || m >= 0xd0 && m <= 0xd7: // no length
			continue
		}
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(l[:]))
		if n < 2 {
			return errors.New("segment length out of range")
		}
		if err := br.skip(int64(n - 2)); err != nil {
			return err
		}
		if m == 0xda { // SOS: entropy-coded data until the next real marker
			next, err := skipEntropy(br)
			if err != nil {
				return err
			}
			pending = int(next)
		}
	}
}

// skipFill reads past 0xFF fill bytes and returns the marker code after them.
func skipFill(br *countingReader) (byte, error) {
	m, err := br.ReadByte()
	for err == nil && m == 0xff {
		m, err = br.ReadByte()
	}
	return m, err
}

// skipEntropy reads entropy-coded data and returns the code of the marker
// that ends it, stuffed zero bytes and restart markers aside.
func skipEntropy(br *countingReader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != 0xff {
			continue
		}
		m, err := skipFill(br)
		if err != nil {
			return 0, err
		}
		if m != 0x00 && (m < 0xd0 || m > 0xd7) {
			return m, nil
		}
	}
}

// countingReader is a buffered reader that knows its offset.
type countingReader struct {
	r *bufio.Reader
	n int64
}

// Read reads into p.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ReadByte reads one byte.
func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// skip discards n bytes, failing if fewer remain.
func (c *countingReader) skip(n int64) error {
	d, err := c.r.Discard(int(n))
	c.n += int64(d)
	if err == io.EOF || err == nil && int64(d) < n {
		return io.ErrUnexpectedEOF
	}
	return err
}
