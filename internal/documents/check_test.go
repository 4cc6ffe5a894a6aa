package documents

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// allTypes allows every type this package knows.
func allTypes() []string {
	var ids []string
	for _, t := range fileTypes() {
		ids = append(ids, t.ID)
	}
	return ids
}

// newTestDisk returns an empty Disk in a temporary directory.
func newTestDisk(t testing.TB, opts Options) (*Disk, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "documents")
	d, err := NewDisk(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d, root
}

// filesUnder lists the regular files below root.
func filesUnder(t testing.TB, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestPutAcceptsEveryKnownTypeByContent(t *testing.T) {
	tests := []struct {
		want, declared, name string
		data                 []byte
	}{
		{TypePDF, "application/pdf", "نامه.pdf", samplePDF(2000)},
		{TypePNG, "image/png", "scan.PNG", samplePNG(t)},
		{TypeJPEG, "image/jpg", "photo.jpeg", sampleJPEG(t)},
		{TypeZIP, "application/x-zip-compressed", "bundle.zip", sampleZIP(t, entry{name: "a.txt", data: []byte("hello")})},
		{TypeDOCX, "", "letter.docx", sampleDOCX(t)},
		{TypeXLSX, "application/octet-stream", "sheet.xlsx", sampleXLSX(t)},
		{TypeODT, odtMimetype, "", sampleODT(t)},
		{TypeTXT, "text/plain; charset=utf-8", "readme", sampleText()},
		{TypeDOCX, "", "nested-ok.docx", sampleDOCX(t, entry{name: "word/embeddings/sheet.xlsx", data: sampleXLSX(t)})},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.name, func(t *testing.T) {
			d, _ := newTestDisk(t, Options{})
			b, err := d.Put(context.Background(), bytes.NewReader(tt.data),
				Limits{MaxBytes: 1 << 20, Allowed: allTypes(), Declared: tt.declared, Filename: tt.name})
			if err != nil {
				t.Fatal(err)
			}
			if b.Type != tt.want || b.Size != int64(len(tt.data)) || b.MIME == "" {
				t.Fatalf("got %+v, want type %s size %d", b, tt.want, len(tt.data))
			}
		})
	}
}

// hostileCase is an upload that must be refused for a given reason.
type hostileCase struct {
	name   string
	data   []byte
	limits Limits
	want   Reason
}

// hostileCases returns every refusal the checks know, one sample each.
func hostileCases(t testing.TB) []hostileCase {
	all := func() Limits { return Limits{MaxBytes: 1 << 20, Allowed: allTypes()} }
	with := func(f func(*Limits)) Limits { l := all(); f(&l); return l }
	pdf, png, jpg := samplePDF(3000), samplePNG(t), sampleJPEG(t)
	inner := sampleZIP(t, entry{name: "deep.txt", data: []byte("x")})
	zeros := make([]byte, 8<<20)
	return []hostileCase{
		{"too large", pdf, with(func(l *Limits) { l.MaxBytes = 1000 }), ErrTooLarge},
		{"empty", nil, all(), ErrEmpty},
		{"unknown binary", []byte("MZ\x90\x00\x03\x00\x00\x00 an executable"), all(), ErrTypeNotAllowed},
		{"png where only pdf allowed", png, with(func(l *Limits) { l.Allowed = []string{TypePDF} }), ErrTypeNotAllowed},
		{"png declared as pdf", png, with(func(l *Limits) { l.Declared = "application/pdf" }), ErrTypeMismatch},
		{"pdf named png", pdf, with(func(l *Limits) { l.Filename = "scan.png" }), ErrTypeMismatch},
		{"zip named docm", sampleZIP(t, entry{name: "a", data: []byte("a")}), with(func(l *Limits) { l.Filename = "macro.docm" }), ErrTypeMismatch},
		{"truncated png", png[:len(png)-20], all(), ErrMalformed},
		{"zip bomb by ratio", sampleZIP(t, entry{name: "zeros.bin", data: zeros}), all(), ErrZipBomb},
		{"zip bomb by total", sampleZIP(t, entry{name: "a", data: noise(300<<10, 1)}, entry{name: "b", data: noise(300<<10, 2)}),
			with(func(l *Limits) { l.Archive.MaxUncompressed = 500 << 10 }), ErrZipBomb},
		{"zip bomb lying header", rawZIP(t, "liar.bin", zeros, 100, 0), all(), ErrMalformed},
		{"too many entries", sampleZIP(t, entry{name: "1"}, entry{name: "2"}, entry{name: "3"}),
			with(func(l *Limits) { l.Archive.MaxEntries = 2 }), ErrZipBomb},
		{"nested beyond depth 1", sampleZIP(t, entry{name: "outer.zip", data: sampleZIP(t, entry{name: "inner.zip", data: inner})}), all(), ErrNestedArchive},
		{"nested 7z", sampleZIP(t, entry{name: "x.7z", data: []byte("7z\xbc\xaf\x27\x1c\x00\x04rest")}), all(), ErrNestedArchive},
		{"nested when none allowed", sampleZIP(t, entry{name: "inner.zip", data: inner}), with(func(l *Limits) { l.Archive.MaxDepth = -1 }), ErrNestedArchive},
		{"parent traversal", sampleZIP(t, entry{name: "../../etc/cron.d/x", data: []byte("x")}), all(), ErrArchivePath},
		{"absolute name", sampleZIP(t, entry{name: "/etc/passwd", data: []byte("x")}), all(), ErrArchivePath},
		{"backslash name", sampleZIP(t, entry{name: `..\..\windows\x.dll`, data: []byte("x")}), all(), ErrArchivePath},
		{"drive letter", sampleZIP(t, entry{name: "C:/x.txt", data: []byte("x")}), all(), ErrArchivePath},
		{"encrypted entry", rawZIP(t, "secret.txt", []byte("secret"), 6, 0x1), all(), ErrEncrypted},
		{"pdf that is also a zip", append(append([]byte{}, pdf...), inner...), all(), ErrPolyglot},
		{"png with zip appended", append(append([]byte{}, png...), inner...), all(), ErrPolyglot},
		{"png with junk after IEND", append(append([]byte{}, png...), noise(100, 3)...), all(), ErrPolyglot},
		{"jpeg with pdf appended", append(append([]byte{}, jpg...), pdf...), all(), ErrPolyglot},
		{"jpeg with zip appended", append(append([]byte{}, jpg...), inner...), all(), ErrPolyglot},
		{"zip with pdf header up front", sampleZIP(t, entry{name: "a", data: []byte("%PDF-1.4 fake"), stored: true}), all(), ErrPolyglot},
		{"text with pdf inside", append([]byte("note\n"), []byte("%PDF-1.4\n1 0 obj\n")...), all(), ErrPolyglot},
		{"eicar", []byte(eicarMarker), all(), ErrMalware},
		{"eicar in zip", sampleZIP(t, entry{name: "eicar.com", data: []byte(eicarMarker)}), all(), ErrMalware},
		{"eicar in nested zip", sampleZIP(t, entry{name: "in.zip", data: sampleZIP(t, entry{name: "eicar.com", data: []byte(eicarMarker)})}), all(), ErrMalware},
	}
}

func TestPutRejectsHostileFilesAndLeavesNothing(t *testing.T) {
	for _, tc := range hostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			d, root := newTestDisk(t, Options{})
			_, err := d.Put(context.Background(), bytes.NewReader(tc.data), tc.limits)
			var rej *RejectError
			if !errors.As(err, &rej) || !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want rejection %s", err, tc.want)
			}
			if rej.MessageFa() == "" || rej.MessageEn() == "" || strings.Contains(rej.MessageEn(), "not accepted.") && tc.want != ErrTypeNotAllowed {
				t.Errorf("messages: %q / %q", rej.MessageFa(), rej.MessageEn())
			}
			if files := filesUnder(t, root); len(files) != 0 {
				t.Fatalf("left behind: %v", files)
			}
		})
	}
}

func TestRejectMessageNamesAllowedTypes(t *testing.T) {
	d, _ := newTestDisk(t, Options{})
	_, err := d.Put(context.Background(), bytes.NewReader(sampleText()),
		Limits{MaxBytes: 1 << 20, Allowed: []string{TypePDF, TypePNG}})
	var rej *RejectError
	if !errors.As(err, &rej) {
		t.Fatalf("err = %v", err)
	}
	if en := rej.MessageEn(); !strings.Contains(en, "allowed: PDF, PNG") || !strings.Contains(en, "TXT") {
		t.Errorf("en = %q", en)
	}
	if fa := rej.MessageFa(); !strings.Contains(fa, "PDF، PNG") {
		t.Errorf("fa = %q", fa)
	}
}

func TestTooLargeMessageGivesLimitInPersianDigits(t *testing.T) {
	rej := &RejectError{Reason: ErrTooLarge, Limit: 10 << 20}
	if fa := rej.MessageFa(); !strings.Contains(fa, "۱۰ مگابایت") {
		t.Errorf("fa = %q", fa)
	}
	if en := rej.MessageEn(); !strings.Contains(en, "10 MB") {
		t.Errorf("en = %q", en)
	}
}

func TestPutRefusesMisconfiguredLimits(t *testing.T) {
	d, _ := newTestDisk(t, Options{})
	for _, l := range []Limits{{Allowed: []string{TypePDF}}, {MaxBytes: 10}, {MaxBytes: 10, Allowed: []string{"exe"}}} {
		_, err := d.Put(context.Background(), bytes.NewReader([]byte("x")), l)
		var rej *RejectError
		if err == nil || errors.As(err, &rej) {
			t.Errorf("limits %+v: err = %v, want a configuration error", l, err)
		}
	}
}
