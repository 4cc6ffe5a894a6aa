package documents

import (
	"archive/zip"
	"bytes"
	"io"
)

// Magic numbers that identify a type from its first bytes.
const (
	magicPDF  = "%PDF-"
	magicPNG  = "\x89PNG\r\n\x1a\n"
	magicJPEG = "\xff\xd8\xff"
	magicZIP  = "PK\x03\x04"
	magicEOCD = "PK\x05\x06" // a ZIP end-of-central-directory record
)

// sniff returns the type identifier that the first bytes announce, or ""
// when they announce none of the binary types.
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte(magicPDF)):
		return TypePDF
	case bytes.HasPrefix(head, []byte(magicPNG)):
		return TypePNG
	case bytes.HasPrefix(head, []byte(magicJPEG)):
		return TypeJPEG
	case bytes.HasPrefix(head, []byte(magicZIP)):
		return TypeZIP
	}
	return ""
}

// Media types named inside office containers.
const (
	odtMimetype  = "application/vnd.oasis.opendocument.text"
	docxMainPart = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	xlsxMainPart = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
)

// containerType tells a plain ZIP from the office formats built on it, by
// the ODF mimetype entry or the OOXML [Content_Types].xml. Macro-enabled and
// template variants stay plain ZIP, so they are never taken for documents.
func containerType(zr *zip.Reader) string {
	for _, f := range zr.File {
		switch f.Name {
		case "mimetype":
			b, err := readEntry(f, 256)
			if err == nil && string(bytes.TrimSpace(b)) == odtMimetype {
				return TypeODT
			}
		case "[Content_Types].xml":
			b, err := readEntry(f, 1<<20)
			if err != nil {
				continue
			}
			switch {
			case bytes.Contains(b, []byte(`"`+docxMainPart+`"`)):
				return TypeDOCX
			case bytes.Contains(b, []byte(`"`+xlsxMainPart+`"`)):
				return TypeXLSX
			}
		}
	}
	return TypeZIP
}

// readEntry reads a small archive entry whole, refusing one over max bytes.
func readEntry(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, io.ErrShortBuffer
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, io.ErrShortBuffer
	}
	return b, nil
}
