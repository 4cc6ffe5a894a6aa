package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/itoir/miz/internal/certify"
)

// TestCertificatePDFKeepsPersianText prints a demo certificate to PDF through the
// API, with the server's own chromium, and reads it back with pdftotext: the
// Persian product and holder names must come out in logical order with no
// presentation-form (broken) letters, the Latin name and number left to right.
// The web page then serves the same bytes from the disk cache (issue 11 item 7).
// Without chromium or pdftotext it fails under CI and is skipped elsewhere.
func TestCertificatePDFKeepsPersianText(t *testing.T) {
	t.Parallel()
	missing := ""
	if _, err := exec.LookPath("pdftotext"); err != nil {
		missing = "pdftotext (apt-get install poppler-utils)"
	}
	if _, err := exec.LookPath("chromium"); err != nil {
		if _, err := os.Stat("/usr/bin/chromium"); err != nil {
			missing = "chromium (apt-get install chromium)"
		}
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the PDF test needs %s", missing)
		}
		t.Skipf("SKIPPED (pdf): %s is not installed", missing)
	}
	m := startDemo(t, "")
	res, err := m.Registry.Search(context.Background(), certify.Query{Q: "سپید", Status: certify.Active})
	if err != nil || len(res.Items) == 0 {
		t.Fatalf("no demo certificate: %v", err)
	}
	c := res.Items[0]
	resp, err := http.Get(m.URL() + "/api/v1/registry/certificates/" + c.Number + "/pdf")
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.HasPrefix(pdf, []byte("%PDF-")) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s %.200q", resp.StatusCode, resp.Header.Get("Content-Type"), pdf)
	}
	// Issue 11 item 7: the web page serves the same PDF from the disk cache under
	// --data, without a second render.
	resp, err = http.Get(m.URL() + "/registry/" + c.Number + "/pdf")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if st := m.pdf.Stats(); resp.StatusCode != 200 || !bytes.Equal(again, pdf) || st.Renders != 1 || st.Hits != 1 {
		t.Fatalf("second request: %d, same=%v, stats %+v", resp.StatusCode, bytes.Equal(again, pdf), st)
	}
	cached, _ := filepath.Glob(filepath.Join(m.Config.Data, "pdf-cache", c.Number+"-*-fa.pdf"))
	if len(cached) != 1 {
		t.Fatalf("cache files %v", cached)
	}
	if fi, err := os.Stat(cached[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file %v %v", fi, err)
	}
	path := filepath.Join(t.TempDir(), "cert.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := flatten(string(out))
	// The demo names have no lam-alef: poppler reverses the two letters of that
	// ligature (اطلاعات comes out as اطالعات), as it reverses Chrome's ActualText
	// for the ligature along with the visual order of the line.
	for _, want := range []string{c.ProductName.FA, c.HolderName.FA, c.ProductName.EN, c.Number} {
		if !strings.Contains(text, flatten(want)) {
			t.Errorf("pdftotext lacks %q in:\n%s", want, out)
		}
	}
	for _, r := range string(out) {
		if unicode.In(r, unicode.Arabic) && (r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF) {
			t.Fatalf("presentation form %U in the extracted text:\n%s", r, out)
		}
	}
	if info, err := exec.Command("pdfinfo", path).Output(); err == nil && !regexp.MustCompile(`(?m)^Pages:\s+1$`).Match(info) {
		t.Errorf("the certificate spans more than one page:\n%s", info)
	}
	if os.Getenv("MIZ_KEEP_PDF") != "" {
		_ = os.WriteFile(os.Getenv("MIZ_KEEP_PDF"), pdf, 0o600)
	}
}

// flatten drops ZWNJ and the bidi embedding marks pdftotext adds, and folds runs
// of white space, which text extraction is free to change, so only the letters
// and their order are compared.
func flatten(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\u200c' || r >= '\u202a' && r <= '\u202e' {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
