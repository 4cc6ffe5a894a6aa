package web

import (
	"bytes"
	"context"
	"fmt"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func pdfBytes(tag string) []byte {
	return []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + tag + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

// upload posts one file to path as the case page's upload form does.
func (cp *casePages) upload(path, typ, name string, content []byte) *httptest.ResponseRecorder {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("csrf", "tok-123")
	if typ != "" {
		_ = mw.WriteField("type", typ)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	return cp.do(cp.org, "POST", path, mw.FormDataContentType(), &b)
}

// inPlace checks that a refusal re-rendered the case page with the form and the
// message at status, not the error page that leaves the case.
func inPlaceRefusal(t *testing.T, w *httptest.ResponseRecorder, status int, code, marker, message string) {
	t.Helper()
	body := w.Body.String()
	if w.Code != status {
		t.Fatalf("status = %d, want %d: %s", w.Code, status, body)
	}
	for _, want := range []string{`id="tracking-code">` + code, marker, message, `id="documents"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("the page does not show %q:\n%s", want, body)
		}
	}
}

var docIDPattern = regexp.MustCompile(`/documents/(\d+)/view`)

// TestCaseDocumentsInPlace_Issue13: on the case page the applicant sees a wrong
// type (415), a missing file (400), an oversize body (413), a submit without the
// required documents (400) and a delete after submission (409) on the form that
// sent it, the case page kept; a PDF opens inline in a sandbox, the viewer frames
// it, the applicant deletes an upload, and the expert's views are audited.
func TestCaseDocumentsInPlace_Issue13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp := newCasePages(t, db)
		w := cp.post(cp.org, "/cases", url.Values{"kind": {"certify/application"}})
		casePath := w.Header().Get("Location")
		code := strings.TrimPrefix(casePath, "/cases/")
		T := func(key string, args ...any) string { return i18n.T(i18n.Fa, key, args...) }

		w = cp.upload(casePath+"/documents", "official_gazette", "gazette.pdf", []byte("<html><script>alert(1)</script></html>"))
		inPlaceRefusal(t, w, http.StatusUnsupportedMediaType, code, `id="upload-error"`, "pdf")
		if !strings.Contains(w.Body.String(), `id="file" name="file" type="file" required aria-invalid="true"`) {
			t.Fatalf("the file input is not marked: %s", w.Body)
		}
		w = cp.upload(casePath+"/documents", "official_gazette", "", nil)
		inPlaceRefusal(t, w, http.StatusBadRequest, code, `id="upload-error"`, T("docs.upload.choose_file"))

		// A body over the upload limit is cut off by the reader and still answered in place.
		svcs, _ := catalog.Defaults()
		for _, svc := range svcs {
			for i := range svc.Documents {
				svc.Documents[i].MaxSize = 1 << 10
			}
		}
		cp.s.Services = func(context.Context) ([]*catalog.Service, error) { return svcs, nil }
		w = cp.upload(casePath+"/documents", "official_gazette", "big.pdf", bytes.Repeat([]byte("x"), 2<<20))
		inPlaceRefusal(t, w, http.StatusRequestEntityTooLarge, code, `id="upload-error"`, T("cases.upload.too_large", "", "1 MB"))
		cp.s.Services = func(context.Context) ([]*catalog.Service, error) { return catalog.Defaults() }

		w = cp.post(cp.org, casePath+"/transitions", url.Values{"transition": {"submit"}})
		inPlaceRefusal(t, w, http.StatusBadRequest, code, `id="step-error"`, "official_gazette")
		if !strings.Contains(w.Body.String(), `id="confirm-discard"`) {
			t.Fatalf("discarding the draft is not confirmed first: %s", w.Body)
		}

		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration", "software_registration"} {
			if w = cp.upload(casePath+"/documents", typ, typ+".pdf", pdfBytes(typ)); w.Code != http.StatusSeeOther {
				t.Fatalf("upload %s: %d %s", typ, w.Code, w.Body)
			}
		}
		page := cp.do(cp.org, "GET", casePath, "", nil).Body.String()
		ids := docIDPattern.FindAllStringSubmatch(page, -1)
		if len(ids) != 7 || !strings.Contains(page, `id="delete-doc-`+ids[6][1]+`-confirm"`) {
			t.Fatalf("documents on the page: %v\n%s", ids, page)
		}
		extra, first := ids[6][1], ids[0][1]

		w = cp.do(cp.org, "GET", casePath+"/documents/"+first+"/inline", "", nil)
		h := w.Header()
		if w.Code != 200 || !strings.HasPrefix(h.Get("Content-Disposition"), `inline; filename="official_gazette.pdf"`) ||
			h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
			h.Get("Content-Type") != "application/pdf" || !bytes.Equal(w.Body.Bytes(), pdfBytes("official_gazette")) {
			t.Fatalf("inline: %d %v", w.Code, h)
		}
		w = cp.do(cp.org, "GET", casePath+"/documents/"+first+"/view", "", nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `<iframe class="doc-frame" id="doc-frame" src="`+casePath+`/documents/`+first+`/inline"`) {
			t.Fatalf("viewer: %d %s", w.Code, w.Body)
		}

		w = cp.upload(casePath+"/documents/"+extra+"/replace", "", "registration.txt", []byte("plain text\n"))
		inPlaceRefusal(t, w, http.StatusUnsupportedMediaType, code, `id="doc-`+extra+`-error"`, "pdf")
		if w = cp.upload(casePath+"/documents/"+extra+"/replace", "", "registration-2.pdf", pdfBytes("v2")); w.Code != http.StatusSeeOther {
			t.Fatalf("replace: %d %s", w.Code, w.Body)
		}
		page = cp.do(cp.org, "GET", casePath, "", nil).Body.String()
		if !strings.Contains(page, "registration-2.pdf") || strings.Contains(page, "software_registration.pdf") {
			t.Fatalf("replaced document not listed: %s", page)
		}
		extra = docIDPattern.FindAllStringSubmatch(page, -1)[6][1]
		if w = cp.post(cp.org, casePath+"/documents/"+extra+"/delete", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", w.Code, w.Body)
		}
		if page = cp.do(cp.org, "GET", casePath, "", nil).Body.String(); strings.Contains(page, "registration-2.pdf") {
			t.Fatal("the deleted document is still listed")
		}
		if w = cp.post(cp.org, casePath+"/transitions", url.Values{"transition": {"submit"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", w.Code, w.Body)
		}
		w = cp.post(cp.org, casePath+"/documents/"+first+"/delete", url.Values{})
		inPlaceRefusal(t, w, http.StatusConflict, code, `id="doc-`+first+`-error"`, T("cases.document.handed_in"))

		// The expert opens the file; each view is in the audit log.
		for range 2 {
			if w = cp.do(cp.expert, "GET", casePath+"/documents/"+first+"/inline", "", nil); w.Code != 200 {
				t.Fatalf("expert inline: %d %s", w.Code, w.Body)
			}
		}
		var n int
		_ = db.View(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action = 'case.document_viewed' AND object_id = ?", code).Scan(&n)
		})
		if n != 2 {
			t.Fatalf("expert views audited = %d, want 2", n)
		}
		if w = cp.do(cp.expert, "GET", casePath+"/documents/"+fmt.Sprint(999999)+"/inline", "", nil); w.Code != http.StatusNotFound {
			t.Fatalf("unknown document: %d", w.Code)
		}
	})
}

// TestCertifyApplyShowsAllProblems_Issue13: the application form comes back with
// every field's problem beside its field at once, the values kept, required fields
// marked, and status 400.
func TestCertifyApplyShowsAllProblems_Issue13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp := newCasePages(t, db)
		cp.s.Cases.Modules = map[string]cases.Module{"certify": &application.Module{}}
		w := cp.post(cp.org, "/certify/apply", url.Values{"product_name_fa": {"Kara"}, "version": {"2 beta"}, "contact_phone": {"12"}})
		body := w.Body.String()
		if w.Code != http.StatusBadRequest || !strings.Contains(body, `id="certify-apply-form"`) {
			t.Fatalf("status %d: %s", w.Code, body)
		}
		for _, field := range []string{"product_name_fa", "version", "category", "deployment", "contact_name", "contact_phone"} {
			if !strings.Contains(body, `<p class="field-error" id="`+field+`-error">`) || !strings.Contains(body, `aria-describedby="`+field+`-error"`) {
				t.Errorf("no problem shown beside %s", field)
			}
		}
		if !strings.Contains(body, i18n.T(i18n.Fa, "certify.form.persian")) || !strings.Contains(body, `value="2 beta"`) ||
			strings.Count(body, `<span class="req" aria-hidden="true">*</span>`) != 5 {
			t.Fatalf("messages, values or markers missing: %s", body)
		}
	})
}
