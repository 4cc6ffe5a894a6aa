package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/server"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/web"
)

// The four drifts of issue 12: behaviours both adapters offer, each decided once in
// the domain and answered alike by the web and the API. The fixture serves both
// adapters from one domain behind the real server.Handler (request IDs, logging).

// drift is the web and the API over one case engine, one log and one catalog.
type drift struct {
	t      *testing.T
	db     *store.DB
	engine *cases.Engine
	h      http.Handler
	org    *identity.Principal

	mu     sync.Mutex
	caller *httpauth.Caller // who the next request is
	svcs   []*catalog.Service
	log    bytes.Buffer
}

func newDrift(t *testing.T, db *store.DB) *drift {
	t.Helper()
	ctx := context.Background()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var orgID, accountID int64
	err = db.Update(ctx, func(tx *store.Tx) error {
		if orgID, err = tx.InsertID(ctx, `INSERT INTO organizations (national_id, kind, name_fa, created_at) VALUES ('10100000001', 'legal', 'شرکت', 0)`); err != nil {
			return err
		}
		accountID, err = tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('org', 'organization', 0)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	d := &drift{t: t, db: db, svcs: svcs,
		org: &identity.Principal{Account: identity.Account{ID: accountID, Kind: identity.KindOrganization, OrgID: orgID}}}
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran())
	d.engine = &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Docs: docs, Now: func() time.Time { return now },
		Modules: map[string]cases.Module{"certify": &application.Module{}}}
	log := slog.New(server.ContextHandler(slog.NewJSONHandler(lockedWriter{d}, nil)))
	services := func(context.Context) ([]*catalog.Service, error) {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.svcs, nil
	}
	auth := &httpauth.Auth{DB: db, WebTTL: time.Hour, APITTL: time.Hour}
	a, err := New(withDomain(&API{Auth: auth, Log: log, Cases: d.engine, Services: services}, db))
	if err != nil {
		t.Fatal(err)
	}
	s, err := web.New(webWithDomain(&web.Server{Auth: auth, Log: log, Cases: d.engine, Services: services}, a, db))
	if err != nil {
		t.Fatal(err)
	}
	d.h = server.Handler(server.Options{DB: db, Log: log, NotFound: s.NotFound,
		Wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				d.mu.Lock()
				c := d.caller
				d.mu.Unlock()
				if c != nil {
					r = r.WithContext(httpauth.WithCaller(r.Context(), c))
				}
				next.ServeHTTP(w, r)
			})
		},
		Routes: func(mux *http.ServeMux) { s.Routes(mux); a.Routes(mux) }})
	return d
}

// lockedWriter appends to the fixture's log under its lock.
type lockedWriter struct{ d *drift }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	return w.d.log.Write(p)
}

// as makes the next requests come from c.
func (d *drift) as(c *httpauth.Caller) {
	d.mu.Lock()
	d.caller = c
	d.mu.Unlock()
}

// send serves one request and returns the recorder.
func (d *drift) send(method, path, ctype string, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, body)
	r.RemoteAddr = "127.0.0.1:1234"
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	return w
}

// openCase opens a draft CERTIFY application for the organisation, through the API.
func (d *drift) openCase() string {
	d.t.Helper()
	d.as(&httpauth.Caller{Principal: d.org, Bearer: true})
	w := d.send("POST", "/api/v1/cases", "application/json", strings.NewReader(`{"service":"certify","kind":"application","form":{"product_name_fa":"حسابداری کارا",
		"version":"2.1","category":"payroll","deployment":"cloud","contact_name":"مریم","contact_email":"m@example.org"}}`))
	var body map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != http.StatusCreated {
		d.t.Fatalf("open: %d %s", w.Code, w.Body)
	}
	return body["tracking_code"].(string)
}

// multipartDoc is an upload form of a document of type typ with content.
func multipartDoc(typ string, content []byte) (string, *bytes.Buffer) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("csrf", "tok")
	_ = mw.WriteField("type", typ)
	fw, _ := mw.CreateFormFile("file", typ+".pdf")
	_, _ = fw.Write(content)
	_ = mw.Close()
	return mw.FormDataContentType(), &b
}

// failingBlobs is a blob store that keeps uploads on disk but cannot read: the
// object store is unreachable.
type failingBlobs struct{ cases.BlobStore }

func (failingBlobs) Open(context.Context, string) (io.ReadCloser, error) {
	return nil, fmt.Errorf("s3: dial tcp: connection refused")
}

// TestDocumentDownloadAnswersAlikeOnWebAndAPI (issue 12 drift a): a document whose
// content the blob store no longer holds is 404 from the domain, the web and the
// API; a blob store that cannot be reached is 503 from all three, never 404 on one
// adapter and 503 on the other.
func TestDocumentDownloadAnswersAlikeOnWebAndAPI(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDrift(t, db)
		code := d.openCase()
		ctype, body := multipartDoc("user_manual", pdf("manual"))
		w := d.send("POST", "/api/v1/cases/"+code+"/documents", ctype, body)
		if w.Code != http.StatusCreated {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		docs, err := d.engine.Documents(context.Background(), d.org, code)
		if err != nil || len(docs) != 1 {
			t.Fatalf("documents: %v %v", docs, err)
		}
		id := docs[0].ID
		answers := func(want int) {
			t.Helper()
			_, rc, err := d.engine.OpenDocument(context.Background(), d.org, code, id)
			if rc != nil {
				rc.Close()
			}
			domain := http.StatusOK
			if err != nil {
				domain = problem.Status(problem.Classify(err).Code)
			}
			d.as(&httpauth.Caller{Principal: d.org, Bearer: true})
			fromAPI := d.send("GET", fmt.Sprintf("/api/v1/cases/%s/documents/%d", code, id), "", nil).Code
			d.as(&httpauth.Caller{Principal: d.org, CSRF: "tok"})
			fromWeb := d.send("GET", fmt.Sprintf("/cases/%s/documents/%d", code, id), "", nil).Code
			if domain != want || fromAPI != want || fromWeb != want {
				t.Fatalf("domain %d, API %d, web %d; want %d from all", domain, fromAPI, fromWeb, want)
			}
		}
		answers(http.StatusOK)
		disk := d.engine.Docs
		d.engine.Docs = failingBlobs{disk}
		answers(http.StatusServiceUnavailable)
		d.engine.Docs = disk
		if err := disk.(*documents.Disk).Delete(context.Background(), docs[0].SHA256); err != nil {
			t.Fatal(err)
		}
		answers(http.StatusNotFound)
	})
}

// TestUploadLimitFollowsTheCatalogInForce (issue 12 drift b): the upload limit is the
// catalog's largest document now, on the API as on the web; the API no longer keeps
// the limit it computed at start-up. The limit falls to 1 MB (plus the form's
// megabyte) after start, and a 3 MB upload, which the case's own version would still
// take, is refused with 413 by both adapters.
func TestUploadLimitFollowsTheCatalogInForce(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDrift(t, db)
		code := d.openCase()
		big := append(pdf("big"), bytes.Repeat([]byte("%"), 3<<20)...)
		ctype, body := multipartDoc("user_manual", big)
		if w := d.send("POST", "/api/v1/cases/"+code+"/documents", ctype, body); w.Code != http.StatusCreated {
			t.Fatalf("3 MB under the start-up catalog: %d %s", w.Code, w.Body)
		}
		d.mu.Lock()
		var smaller []*catalog.Service
		for _, s := range d.svcs {
			c := *s
			c.Documents = append([]catalog.Document(nil), s.Documents...)
			for i := range c.Documents {
				c.Documents[i].MaxSize = 1 << 20
			}
			smaller = append(smaller, &c)
		}
		d.svcs = smaller
		d.mu.Unlock()
		if got := catalog.UploadLimit(smaller); got != 2<<20 {
			t.Fatalf("domain limit %d, want 2 MB", got)
		}
		ctype, body = multipartDoc("product_description", big)
		w := d.send("POST", "/api/v1/cases/"+code+"/documents", ctype, body)
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("API after the catalog change: %d %s", w.Code, w.Body)
		}
		d.as(&httpauth.Caller{Principal: d.org, CSRF: "tok"})
		ctype, body = multipartDoc("product_description", big)
		if w := d.send("POST", "/cases/"+code+"/documents", ctype, body); w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("web after the catalog change: %d", w.Code)
		}
	})
}

// TestAPILogoutIsAuditedLikeTheWebs (issue 12 drift c): ending a session through
// the domain, the web's POST /logout and the API's POST /api/v1/auth/logout each
// deletes the session and writes one auth.logout audit entry for the account.
func TestAPILogoutIsAuditedLikeTheWebs(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDrift(t, db)
		newSession := func(kind identity.SessionKind) string {
			var tok string
			err := db.Update(ctx, func(tx *store.Tx) error {
				var err error
				tok, _, err = identity.CreateSession(ctx, tx, identity.NewSession{AccountID: d.org.ID, Kind: kind, TTL: time.Hour})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		ended := func(how, tok string, wantLogouts int) {
			t.Helper()
			var n int
			err := db.View(ctx, func(tx *store.Tx) error {
				if _, err := identity.LookupSession(ctx, tx, tok); err != store.ErrNotFound {
					return fmt.Errorf("session still there after %s: %v", how, err)
				}
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.logout' AND actor = ?`,
					fmt.Sprintf("account:%d", d.org.ID)).Scan(&n)
			})
			if err != nil || n != wantLogouts {
				t.Fatalf("%s: %d auth.logout entries, want %d (%v)", how, n, wantLogouts, err)
			}
		}
		sessions := &identity.Sessions{DB: db}
		tok := newSession(identity.SessionAPI)
		if err := sessions.SignOut(ctx, d.org, tok); err != nil {
			t.Fatal(err)
		}
		ended("the domain", tok, 1)

		tok = newSession(identity.SessionWeb)
		d.as(&httpauth.Caller{Principal: d.org, Token: tok, CSRF: "tok"})
		if w := d.send("POST", "/logout", "application/x-www-form-urlencoded", strings.NewReader("csrf=tok")); w.Code != http.StatusSeeOther {
			t.Fatalf("web logout: %d", w.Code)
		}
		ended("the web", tok, 2)

		tok = newSession(identity.SessionAPI)
		d.as(&httpauth.Caller{Principal: d.org, Token: tok, Bearer: true})
		if w := d.send("POST", "/api/v1/auth/logout", "", nil); w.Code != http.StatusNoContent {
			t.Fatalf("API logout: %d %s", w.Code, w.Body)
		}
		ended("the API", tok, 3)
	})
}

// TestStoreErrorsAreLoggedAlikeWithTheRequestID (issue 12 drift d): a request that
// fails on a store error is logged by the web and by the API with the same message
// and attributes, and with the request's ID (the one sent as X-Request-ID).
func TestStoreErrorsAreLoggedAlikeWithTheRequestID(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDrift(t, db)
		code := d.openCase()
		ctype, body := multipartDoc("user_manual", pdf("manual"))
		if w := d.send("POST", "/api/v1/cases/"+code+"/documents", ctype, body); w.Code != http.StatusCreated {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		docs, _ := d.engine.Documents(context.Background(), d.org, code)
		d.engine.Docs = failingBlobs{d.engine.Docs}
		failed := func(c *httpauth.Caller, path string) map[string]any {
			t.Helper()
			d.mu.Lock()
			d.log.Reset()
			d.mu.Unlock()
			d.as(c)
			w := d.send("GET", path, "", nil)
			id := w.Header().Get("X-Request-ID")
			if w.Code != http.StatusServiceUnavailable || id == "" {
				t.Fatalf("%s: %d, request ID %q", path, w.Code, id)
			}
			d.mu.Lock()
			defer d.mu.Unlock()
			for _, line := range strings.Split(strings.TrimSpace(d.log.String()), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("log line %q: %v", line, err)
				}
				if rec["level"] == "ERROR" {
					if rec["request_id"] != id {
						t.Fatalf("%s: error logged with request_id %v, want %s", path, rec["request_id"], id)
					}
					return rec
				}
			}
			t.Fatalf("%s: no error logged in %s", path, d.log.String())
			return nil
		}
		id := docs[0].ID
		fromAPI := failed(&httpauth.Caller{Principal: d.org, Bearer: true}, fmt.Sprintf("/api/v1/cases/%s/documents/%d", code, id))
		fromWeb := failed(&httpauth.Caller{Principal: d.org, CSRF: "tok"}, fmt.Sprintf("/cases/%s/documents/%d", code, id))
		keys := func(rec map[string]any) string {
			var ks []string
			for k := range rec {
				if k != "time" {
					ks = append(ks, k)
				}
			}
			return fmt.Sprint(len(ks), ks)
		}
		if fromAPI["msg"] != fromWeb["msg"] || fromAPI["msg"] != "request failed" ||
			len(fromAPI) != len(fromWeb) || !strings.Contains(fmt.Sprint(fromWeb["err"]), "connection refused") {
			t.Fatalf("logged differently:\nAPI %v (%s)\nweb %v (%s)", fromAPI, keys(fromAPI), fromWeb, keys(fromWeb))
		}
		for k := range fromAPI {
			if _, ok := fromWeb[k]; !ok {
				t.Fatalf("web log lacks %q: %v", k, fromWeb)
			}
		}
	})
}
