package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

type catalogPages struct {
	t                  *testing.T
	h                  http.Handler
	editor, supervisor *identity.Principal
}

func newCatalogPages(t *testing.T, db *store.DB) *catalogPages {
	ctx := context.Background()
	st := catalogdb.New(db)
	srcs, err := catalog.DefaultSources()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Seed(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	b := fixtures.New(t, db, nil)
	s := &Server{Log: slog.New(slog.DiscardHandler), Services: st.List, Catalog: st,
		BaseURL: func() string { return "https://miz.example" }}
	withDomain(s, db)
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Routes(mux)
	staff := func(name string, r identity.Role) *identity.Principal {
		return b.Staff(name, map[string][]identity.Role{"certify": {r}})
	}
	return &catalogPages{t: t, h: mux, editor: staff("s0", identity.Editor), supervisor: staff("s1", identity.Supervisor)}
}

func (cp *catalogPages) do(p *identity.Principal, method, path string, form url.Values) *httptest.ResponseRecorder {
	var r *http.Request
	if form != nil {
		form.Set("csrf", "tok-123")
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: p, CSRF: "tok-123"}))
	w := httptest.NewRecorder()
	cp.h.ServeHTTP(w, r)
	return w
}

func TestServicePagesCardAndNineSectionSLA_C46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp := newCatalogPages(t, db)
		if w := cp.do(nil, "GET", "/services", nil); w.Code != 200 || !strings.Contains(w.Body.String(), `href="/services/cert"`) {
			t.Fatalf("/services: %d", w.Code)
		}
		w := cp.do(nil, "GET", "/services/certify", nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "service-card") || !strings.Contains(w.Body.String(), "G2B") {
			t.Fatalf("identity card: %d %s", w.Code, w.Body)
		}
		w = cp.do(nil, "GET", "/services/certify/sla?lang=en", nil)
		if n := strings.Count(w.Body.String(), `class="sla-section"`); w.Code != 200 || n != 9 {
			t.Fatalf("SLA: %d with %d sections, want 9", w.Code, n)
		}
		for _, p := range []string{"/services/nope", "/services/certify/sla?version=2", "/services/certify/sla?version=x", "/services/nope/versions"} {
			if w := cp.do(nil, "GET", p, nil); w.Code != 404 {
				t.Errorf("GET %s: %d, want 404", p, w.Code)
			}
		}
		if w := cp.do(nil, "GET", "/admin/services", nil); w.Code != http.StatusSeeOther {
			t.Errorf("anonymous editor page: %d, want a redirect to login", w.Code)
		}
	})
}

func TestEditorDraftReviewPublishAndChangesFeed_C46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp := newCatalogPages(t, db)
		w := cp.do(cp.editor, "POST", "/admin/services/drafts", url.Values{"service": {"certify"}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/services/certify/versions/2" {
			t.Fatalf("create draft: %d %s", w.Code, w.Header().Get("Location"))
		}
		edit := "/admin/services/certify/versions/2"
		srcs, _ := catalog.DefaultSources()
		text := strings.Replace(string(srcs[0].Data), "version: 1", "version: 2", 1)
		text = strings.Replace(text, "to: 2022-03-20", "to: 2099-03-20", 1)
		if w := cp.do(cp.editor, "POST", edit, url.Values{"yaml": {text + "bogus: 1\n"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", w.Code, w.Body)
		}
		w = cp.do(cp.editor, "GET", edit, nil)
		line := fmt.Sprintf("<code>%d</code>: unknown field", strings.Count(text, "\n")+1)
		if !strings.Contains(w.Body.String(), line) {
			t.Fatalf("the editor page does not show %q", line)
		}
		if w := cp.do(cp.editor, "POST", edit+"/submit", url.Values{}); w.Code != 400 || !strings.Contains(w.Body.String(), line) {
			t.Fatalf("submitting an invalid draft: %d", w.Code)
		}
		cp.do(cp.editor, "POST", edit, url.Values{"yaml": {text}})
		if w := cp.do(cp.editor, "POST", edit+"/submit", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", w.Code, w.Body)
		}
		tomorrow := time.Now().Add(24 * time.Hour).Format(time.DateOnly)
		form := url.Values{"effective_from": {tomorrow}, "summary_fa": {"مدارک تازه"}, "summary_en": {"New documents list"}}
		if w := cp.do(cp.editor, "POST", edit+"/publish", form); w.Code != 403 {
			t.Fatalf("the editor publishing: %d, want 403", w.Code)
		}
		if w := cp.do(cp.supervisor, "POST", edit+"/publish", form); w.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", w.Code, w.Body)
		}
		if w := cp.do(nil, "GET", "/changes?lang=en", nil); !strings.Contains(w.Body.String(), "New documents list") {
			t.Fatalf("changes page lacks the notice: %d", w.Code)
		}
		w = cp.do(nil, "GET", "/changes.atom?lang=en", nil)
		var feed struct {
			Entries []struct {
				Title   string `xml:"title"`
				Summary string `xml:"summary"`
			} `xml:"http://www.w3.org/2005/Atom entry"`
		}
		if err := xml.Unmarshal(w.Body.Bytes(), &feed); err != nil || w.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" {
			t.Fatalf("feed: %v %s", err, w.Header().Get("Content-Type"))
		}
		if len(feed.Entries) != 1 || !strings.Contains(feed.Entries[0].Summary, "New documents list") {
			t.Fatalf("feed entries = %+v", feed.Entries)
		}
		if w := cp.do(nil, "GET", "/services/certify/sla?version=2", nil); w.Code != 200 {
			t.Errorf("published v2 is viewable before it is in force: %d", w.Code)
		}
		if w := cp.do(nil, "GET", "/services/certify/versions", nil); !strings.Contains(w.Body.String(), "?version=2") {
			t.Errorf("history lacks v2")
		}
	})
}
