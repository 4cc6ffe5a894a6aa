package web

import (
	"bytes"
	"context"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestProactivePagesClaimUploadWarnAcknowledge_M43_A46 drives the organisation's and
// the CERT's pages: a malformed claim is a field error on the form, an upload queues
// an import whose page reloads itself, a warning shows both clocks and is
// acknowledged, and a constituent cannot reach the CERT's pages.
func TestProactivePagesClaimUploadWarnAcknowledge_M43_A46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		b := fixtures.New(t, db, nil)
		org := b.OrgApplicant("bank", "legal")
		analyst := b.Staff("analyst", map[string][]identity.Role{"cert": {identity.Analyst}})
		cons := &constituent.Service{DB: db}
		feeds := &feed.Service{DB: db, Incoming: t.TempDir()}
		s := &Server{Log: slog.New(slog.DiscardHandler),
			Services:  func(context.Context) ([]*catalog.Service, error) { return svcs, nil },
			Cases:     &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs)},
			Proactive: &Proactive{Constituents: cons, Feeds: feeds, Warnings: &warning.Service{DB: db}}}
		withDomain(s, db)
		if err := s.Init(); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		s.Routes(mux)
		do := func(p *identity.Principal, method, path, ctype string, body *bytes.Buffer) *httptest.ResponseRecorder {
			if body == nil {
				body = &bytes.Buffer{}
			}
			r := httptest.NewRequest(method, path, body)
			if ctype != "" {
				r.Header.Set("Content-Type", ctype)
			}
			r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: p, CSRF: "tok-123"}))
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			return w
		}
		post := func(p *identity.Principal, path string, form url.Values) *httptest.ResponseRecorder {
			form.Set("csrf", "tok-123")
			return do(p, "POST", path, "application/x-www-form-urlencoded", bytes.NewBufferString(form.Encode()))
		}

		w := post(org, "/org/assets", url.Values{"kind": {"prefix"}, "value": {"192.0.2.0/40"}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `id="value-error"`) || !strings.Contains(w.Body.String(), "CIDR") {
			t.Fatalf("malformed claim: %d", w.Code)
		}
		if w = post(org, "/org/assets", url.Values{"kind": {"prefix"}, "value": {"192.0.2.0/24"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("claim: %d", w.Code)
		}
		if w = do(org, "GET", "/cert/constituents", "", nil); w.Code != http.StatusForbidden {
			t.Fatalf("constituent on the CERT's claims page: %d", w.Code)
		}
		w = do(analyst, "GET", "/cert/constituents", "", nil)
		id := regexp.MustCompile(`/cert/assets/(\d+)/decide`).FindStringSubmatch(w.Body.String())
		if w.Code != 200 || id == nil || !strings.Contains(w.Body.String(), "بازهٔ IP") {
			t.Fatalf("claims page: %d", w.Code)
		}
		if w = post(analyst, "/cert/assets/"+id[1]+"/decide", url.Values{"decision": {"verify"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("verify: %d", w.Code)
		}

		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf", "tok-123")
		_ = mw.WriteField("name", "scan_telnet")
		fw, _ := mw.CreateFormFile("file", "scan.csv")
		fw.Write([]byte("ip,port,tag\n192.0.2.9,23,telnet\n"))
		mw.Close()
		w = do(analyst, "POST", "/cert/feeds", mw.FormDataContentType(), &body)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/cert/feeds/") {
			t.Fatalf("upload: %d %s", w.Code, w.Body.String())
		}
		w = do(analyst, "GET", w.Header().Get("Location"), "", nil)
		if w.Code != 200 || w.Header().Get("Refresh") == "" || !strings.Contains(w.Body.String(), "در صف") {
			t.Fatalf("queued import page: %d %q", w.Code, w.Header().Get("Refresh"))
		}
		if _, err := feeds.Import(ctx, analyst, strings.NewReader("ip,port,tag\n192.0.2.9,23,telnet\n"),
			feed.Options{Name: "scan_telnet", Source: feed.SourceCLI}); err != nil {
			t.Fatal(err)
		}
		w = do(org, "GET", "/org/warnings", "", nil)
		page := w.Body.String()
		if w.Code != 200 || !strings.Contains(page, `data-state="open"`) || !strings.Contains(page, "192.0.2.9:23") ||
			!strings.Contains(page, "مهلت رفع") || !strings.Contains(page, "هنوز فرستاده نشده") || !strings.Contains(page, `id="nav-warnings"`) {
			t.Fatalf("warnings page: %d\n%s", w.Code, page)
		}
		wid := regexp.MustCompile(`/org/warnings/(\d+)/acknowledge`).FindStringSubmatch(page)
		if w = post(org, "/org/warnings/"+wid[1]+"/acknowledge", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d", w.Code)
		}
		w = do(analyst, "GET", "/cert/warnings", "", nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `data-state="acknowledged"`) || !strings.Contains(w.Body.String(), `id="nav-cert-warnings"`) {
			t.Fatalf("staff warnings page: %d", w.Code)
		}
		if w = do(analyst, "GET", "/cert/feeds", "", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "scan_telnet") {
			t.Fatalf("feeds page: %d", w.Code)
		}
	})
}
