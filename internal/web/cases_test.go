package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestClockInPlainPersian_SLAClock9: the applicant reads the clock in words.
func TestClockInPlainPersian_SLAClock9(t *testing.T) {
	c := cases.Clock{Started: true, Business: true, RemainingSeconds: 1, RemainingDays: 3, RemainingHours: 2}
	if got, want := clockWords(i18n.Fa, c), "۳ روز و ۲ ساعت کاری باقی مانده"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got, want := clockWords(i18n.En, c), "3 days and 2 hours of business time left"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	c.Paused, c.PauseReason = true, catalog.PauseIncomplete
	if got := clockWords(i18n.Fa, c); !strings.Contains(got, "متوقف") || !strings.Contains(got, "رفع نقص") {
		t.Fatalf("paused clock says %q", got)
	}
	if got := clockWords(i18n.Fa, cases.Clock{}); !strings.Contains(got, "آغاز") {
		t.Fatalf("unstarted clock says %q", got)
	}
}

type casePages struct {
	t       *testing.T
	s       *Server
	h       http.Handler
	org     *identity.Principal
	expert  *identity.Principal
	cookies []*http.Cookie
}

func newCasePages(t *testing.T, db *store.DB) *casePages {
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := fixtures.New(t, db, nil)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran())
	s := &Server{Log: slog.New(slog.DiscardHandler),
		Services: func(context.Context) ([]*catalog.Service, error) { return svcs, nil },
		Cases:    &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Docs: docs, Now: func() time.Time { return now }}}
	withDomain(s, db)
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Routes(mux)
	return &casePages{t: t, s: s, h: mux,
		org:    b.OrgApplicant("company", "legal"),
		expert: b.Staff("expert", map[string][]identity.Role{"certify": {identity.Expert}})}
}

func (cp *casePages) do(p *identity.Principal, method, path, ctype string, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, body)
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: p, CSRF: "tok-123"}))
	w := httptest.NewRecorder()
	cp.h.ServeHTTP(w, r)
	return w
}

func (cp *casePages) post(p *identity.Principal, path string, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf", "tok-123")
	return cp.do(p, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

func TestCasePagesApplicantAndStaff(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp := newCasePages(t, db)
		w := cp.post(cp.org, "/cases", url.Values{"kind": {"certify/application"}})
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/cases/") {
			t.Fatalf("open: %d %s", w.Code, w.Body)
		}
		casePath := w.Header().Get("Location")
		code := strings.TrimPrefix(casePath, "/cases/")
		if w = cp.do(cp.org, "POST", "/cases", "application/x-www-form-urlencoded", strings.NewReader("kind=certify/application&csrf=bad")); w.Code != http.StatusForbidden {
			t.Fatalf("bad CSRF: %d", w.Code)
		}
		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"} {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			_ = mw.WriteField("csrf", "tok-123")
			_ = mw.WriteField("type", typ)
			fw, _ := mw.CreateFormFile("file", typ+".pdf")
			_, _ = fw.Write([]byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + typ + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"))
			_ = mw.Close()
			if w = cp.do(cp.org, "POST", casePath+"/documents", mw.FormDataContentType(), &b); w.Code != http.StatusSeeOther {
				t.Fatalf("upload %s: %d %s", typ, w.Code, w.Body)
			}
		}
		w = cp.do(cp.org, "GET", casePath, "", nil)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, "<bdi class=\"id\" id=\"tracking-code\">"+code+"</bdi>") ||
			!strings.Contains(body, "از ارسال درخواست آغاز") || !strings.Contains(body, `name="csrf" value="tok-123"`) {
			t.Fatalf("case page: %d %s", w.Code, body)
		}
		if w = cp.post(cp.org, casePath+"/transitions", url.Values{"transition": {"submit"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", w.Code, w.Body)
		}
		if w = cp.do(cp.org, "GET", casePath, "", nil); !strings.Contains(w.Body.String(), "کاری باقی مانده") {
			t.Fatalf("clock after submit: %s", w.Body)
		}
		w = cp.do(cp.expert, "GET", "/queue?service=certify", "", nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), code) {
			t.Fatalf("queue: %d %s", w.Code, w.Body)
		}
		w = cp.post(cp.expert, casePath+"/return", url.Values{"item": {"user_manual"}, "note_user_manual": {"ناخوانا"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("return: %d %s", w.Code, w.Body)
		}
		if w = cp.post(cp.expert, casePath+"/messages", url.Values{"body": {"یادداشت محرمانه"}, "internal": {"1"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("note: %d %s", w.Code, w.Body)
		}
		w = cp.do(cp.org, "GET", casePath, "", nil)
		if body = w.Body.String(); strings.Contains(body, "یادداشت محرمانه") || !strings.Contains(body, "ناخوانا") || !strings.Contains(body, "متوقف") {
			t.Fatalf("applicant page after return: %s", body)
		}
		w = cp.do(nil, "GET", "/track?code="+strings.ToLower(code), "", nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "track-result") || strings.Contains(w.Body.String(), "ناخوانا") {
			t.Fatalf("track: %d %s", w.Code, w.Body)
		}
		w = cp.do(nil, "GET", "/track?code=ABCD-EFGH-JK", "", nil)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "form-error") {
			t.Fatalf("track with a typo: %d %s", w.Code, w.Body)
		}
	})
}
