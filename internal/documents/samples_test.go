package documents

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
)

// noise returns n deterministic bytes that look like compressed data.
func noise(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	// Keep the sample free of the byte patterns the checks look for.
	for _, pat := range []string{magicEOCD, magicPDF, magicZIP} {
		for i := bytes.Index(b, []byte(pat)); i >= 0; i = bytes.Index(b, []byte(pat)) {
			b[i] ^= 0xff
		}
	}
	return b
}

// samplePDF returns a small PDF of about n bytes.
func samplePDF(n int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length ")
	body := noise(max(n-120, 16), uint64(n))
	b.WriteString("1234 /Filter /FlateDecode >>\nstream\n")
	b.Write(body)
	b.WriteString("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// testImage returns a small image with some variation.
func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 128, 255})
		}
	}
	return img
}

// samplePNG returns a valid PNG.
func samplePNG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, testImage()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sampleJPEG returns a valid JPEG.
func sampleJPEG(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// entry is one file in a sample archive.
type entry struct {
	name   string
	data   []byte
	stored bool
}

// sampleZIP returns a ZIP holding the entries in order.
func sampleZIP(t testing.TB, entries ...entry) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, e := range entries {
		method := zip.Deflate
		if e.stored {
			method = zip.Store
		}
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rawZIP returns a ZIP with one deflated entry whose header is set by hand,
// so that it can lie about sizes or claim encryption.
func rawZIP(t testing.TB, name string, data []byte, declared uint64, flags uint16) []byte {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate, Flags: flags, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.Write(comp.Bytes())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sampleDOCX returns a minimal Word document.
func sampleDOCX(t testing.TB, extra ...entry) []byte {
	ct := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/word/document.xml" ContentType="` + docxMainPart + `"/></Types>`
	return sampleZIP(t, append([]entry{
		{name: "[Content_Types].xml", data: []byte(ct)},
		{name: "word/document.xml", data: []byte(`<w:document><w:body><w:p><w:r><w:t>سلام</w:t></w:r></w:p></w:body></w:document>`)},
	}, extra...)...)
}

// sampleXLSX returns a minimal Excel workbook.
func sampleXLSX(t testing.TB) []byte {
	ct := `<Types><Override PartName="/xl/workbook.xml" ContentType="` + xlsxMainPart + `"/></Types>`
	return sampleZIP(t, entry{name: "[Content_Types].xml", data: []byte(ct)},
		entry{name: "xl/workbook.xml", data: []byte(`<workbook/>`)})
}

// sampleODT returns a minimal OpenDocument text.
func sampleODT(t testing.TB) []byte {
	return sampleZIP(t, entry{name: "mimetype", data: []byte(odtMimetype), stored: true},
		entry{name: "content.xml", data: []byte(`<office:document-content/>`)})
}

// sampleText returns Persian and English UTF-8 text.
func sampleText() []byte {
	return []byte("درخواست گواهی\u200cنامه\r\nRequest for a certificate.\n\tسطر سوم\n")
}
