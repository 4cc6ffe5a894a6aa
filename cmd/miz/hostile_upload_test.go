package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eicar is the anti-virus test file, assembled at run time so that scanners on a
// developer's machine do not quarantine this source file.
var eicar = `X5O!P%@AP[4\PZX54(P^)7CC)7}$` + "EICAR-STANDARD-ANTIVIRUS-" + `TEST-FILE!$H+H*`

// hostileZIP builds a ZIP archive with the named entries.
func hostileZIP(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// manyEntries is an archive of more small files than the store inspects.
func manyEntries(t *testing.T) []byte {
	m := map[string][]byte{}
	for i := range 2100 {
		m[fmt.Sprintf("f/%04d.txt", i)] = []byte("x")
	}
	return hostileZIP(t, m)
}

// postUpload sends one multipart upload (the form value type, then the file) and
// returns the status and the decoded error.
func postUpload(t *testing.T, m *Main, token, code, typ, filename, ctype string, content []byte) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("type", typ)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", ctype)
	fw, _ := mw.CreatePart(h)
	_, _ = fw.Write(content)
	_ = mw.Close()
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/documents", token, mw.FormDataContentType(), body.String(),
		"Accept-Language", "en")
	return resp.StatusCode, out
}

// blobFiles lists every regular file under the data directory's document store.
func blobFiles(t *testing.T, m *Main) []string {
	t.Helper()
	var out []string
	root := filepath.Join(m.Config.Data, "documents")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, strings.TrimPrefix(p, root))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHostileUploadsRejectedThroughTheAPI sends each kind of hostile file through the
// real upload route and checks that it is refused with the error code and the
// localised message a person can act on, and that nothing is left on disk: no new
// blob and no spool file in documents/tmp.
func TestHostileUploadsRejectedThroughTheAPI(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	token := apiLogin(t, m, "demo-applicant", "")
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases", token, "application/json",
		`{"service":"certify","kind":"application","form":`+certifyForm+`}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("open case: %d %v", resp.StatusCode, out)
	}
	code := out["tracking_code"].(string)
	before := blobFiles(t, m)

	pdf := tinyPDF("hostile")
	big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("% padding line\n"), 3<<20/15)...)
	cases := []struct {
		name, typ, filename, ctype string
		content                    []byte
		status                     int
		code, message              string
	}{
		{"zip bomb (ratio)", "user_manual", "manual.zip", "application/zip",
			hostileZIP(t, map[string][]byte{"manual.txt": make([]byte, 24<<20)}), 400, "invalid", "expands too far"},
		{"zip bomb (entries)", "user_manual", "manual.zip", "application/zip", manyEntries(t), 400, "invalid", "too many files"},
		{"path traversal in an archive", "user_manual", "manual.zip", "application/zip",
			hostileZIP(t, map[string][]byte{"../../../etc/cron.d/miz": []byte("* * * * * root id\n")}), 400, "invalid", "escaping names"},
		{"absolute path in an archive", "user_manual", "manual.zip", "application/zip",
			hostileZIP(t, map[string][]byte{"/etc/passwd": []byte("root:x:0:0\n")}), 400, "invalid", "escaping names"},
		{"PDF that is also a ZIP", "national_card", "card.pdf", "application/pdf",
			append(append([]byte{}, pdf...), hostileZIP(t, map[string][]byte{"a.txt": []byte("hidden")})...), 400, "invalid", "hides data"},
		{"declared PNG holding a PDF", "national_card", "card.png", "image/png", pdf, 415, "unsupported_media_type", "does not match"},
		{"PDF named .png", "national_card", "card.png", "application/octet-stream", pdf, 415, "unsupported_media_type", "does not match"},
		{"HTML as a PDF", "national_card", "card.pdf", "application/pdf",
			[]byte("<html><script>alert(document.cookie)</script></html>"), 415, "unsupported_media_type", "not accepted"},
		{"EICAR test file", "test_access", "access.txt", "text/plain", []byte(eicar), 400, "invalid", "Malware was found"},
		{"bigger than the limit", "national_card", "card.pdf", "application/pdf", big, 413, "too_large", "larger than the limit (2 MB)"},
		{"empty", "national_card", "card.pdf", "application/pdf", nil, 400, "invalid", "empty"},
		{"type the catalog does not list", "passport", "p.pdf", "application/pdf", pdf, 400, "invalid", "user_manual"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postUpload(t, m, token, code, tc.typ, tc.filename, tc.ctype, tc.content)
			e, _ := body["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if status != tc.status || errCode(body) != tc.code || !strings.Contains(msg, tc.message) {
				t.Fatalf("got %d %v, want %d %s containing %q", status, body, tc.status, tc.code, tc.message)
			}
			if strings.Contains(msg, "rejected:") || strings.Contains(msg, "%!") || strings.Contains(msg, "goroutine") {
				t.Errorf("the message leaks the cause: %q", msg)
			}
			if after := blobFiles(t, m); len(after) != len(before) {
				t.Errorf("files left on disk: before %v, after %v", before, after)
			}
		})
	}

	// A traversal in the upload's own name is harmless: the content is stored by its
	// hash, and the name is kept for display only, without its directories.
	status, body := postUpload(t, m, token, code, "national_card", "../../../../tmp/evil.pdf", "application/pdf", pdf)
	if status != http.StatusCreated || body["filename"] != "evil.pdf" {
		t.Fatalf("traversal in the file name: %d %v", status, body)
	}
	if _, err := os.Stat(filepath.Join(m.Config.Data, "..", "tmp", "evil.pdf")); err == nil {
		t.Fatal("the upload's name chose where it was written")
	}
	tmp, err := os.ReadDir(filepath.Join(m.Config.Data, "documents", "tmp"))
	if err != nil || len(tmp) != 0 {
		t.Fatalf("spool files left behind: %v %v", tmp, err)
	}
	if n := len(blobFiles(t, m)); n != len(before)+1 {
		t.Fatalf("accepted upload: %d blobs, want %d", n, len(before)+1)
	}
}
