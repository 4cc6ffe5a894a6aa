package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/server"
	"github.com/itoir/miz/internal/store/storetest"
)

// selfSignedCert writes a certificate for 127.0.0.1 and its key to dir.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "miz test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// formClient is a browser-like client that keeps cookies and does not follow
// redirects, with the CSRF token of the login page.
type formClient struct {
	t    *testing.T
	c    *http.Client
	base string
	csrf string
}

func newFormClient(t *testing.T, base string, transport http.RoundTripper) *formClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: "en", Path: "/"}}) // pages in English, for the assertions
	fc := &formClient{t: t, base: base, c: &http.Client{Jar: jar, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	status, page, _ := fc.get("/login")
	tok := csrfField.FindStringSubmatch(page)
	if status != 200 || tok == nil {
		t.Fatalf("login page: %d", status)
	}
	fc.csrf = tok[1]
	return fc
}

func (fc *formClient) get(path string) (int, string, http.Header) {
	fc.t.Helper()
	resp, err := fc.c.Get(fc.base + path)
	if err != nil {
		fc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// post sends a form with the CSRF token and returns the status, the page and the
// response (for its cookies).
func (fc *formClient) post(path string, v url.Values) (int, string, *http.Response) {
	fc.t.Helper()
	v.Set("csrf", fc.csrf)
	req, _ := http.NewRequest("POST", fc.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := fc.c.Do(req)
	if err != nil {
		fc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp
}

func TestHSTSAndSecureCookiesUnderTLS(t *testing.T) {
	t.Parallel()
	cert, key := selfSignedCert(t, t.TempDir())
	m := startDemoWith(t, "", func(c *Config) { c.TLSCert, c.TLSKey = cert, key })
	if !strings.HasPrefix(m.URL(), "https://") {
		t.Fatalf("URL %s is not https", m.URL())
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the test's own self-signed certificate
	t.Cleanup(tr.CloseIdleConnections)
	fc := newFormClient(t, m.URL(), tr)
	for _, p := range []string{"/", "/login", "/api/v1/services", "/nope"} {
		_, _, h := fc.get(p)
		if hsts := h.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=63072000") || !strings.Contains(hsts, "includeSubDomains") {
			t.Errorf("%s: HSTS %q", p, hsts)
		}
	}
	status, _, resp := fc.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}})
	if status != http.StatusSeeOther {
		t.Fatalf("login over TLS: %d", status)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "miz_session" && (!ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode) {
			t.Fatalf("session cookie over TLS: %+v", ck)
		}
	}
	// Plain HTTP must not send HSTS (browsers ignore it there, and it would be a lie).
	plain := startDemo(t, "")
	resp2, err := http.Get(plain.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.Header.Get("Strict-Transport-Security") != "" {
		t.Fatal("HSTS over plain HTTP")
	}
}

// TestWebLoginLockoutAndThrottling: five wrong passwords lock the account even for
// the right password, answered exactly like a wrong password (Security #5); failures
// of one account from one address soon wait (429 with Retry-After), while another
// account from the same address goes on (Security #4).
func TestWebLoginLockoutAndThrottling(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	fc := newFormClient(t, m.URL(), nil)
	pol := identity.DefaultLoginPolicy()
	login := func(user, pass string) (int, string, http.Header) {
		status, page, resp := fc.post("/login", url.Values{"username": {user}, "password": {pass}})
		return status, page, resp.Header
	}
	for i := range pol.MaxFailures {
		clk.Set(clk.Now().Add(time.Minute)) // past the growing delay
		if status, page, _ := login("demo-applicant-2", fmt.Sprint("wrong-", i)); status != 401 || !strings.Contains(page, "not right") {
			t.Fatalf("failure %d: %d", i+1, status)
		}
	}
	clk.Set(clk.Now().Add(time.Minute))
	status, page, _ := login("demo-applicant-2", demo.Password)
	if status != 401 || !strings.Contains(page, "not right") || strings.Contains(page, "locked") {
		t.Fatalf("right password on a locked account: %d", status)
	}
	if _, body := doJSON(t, "POST", m.URL()+"/api/v1/auth/login", "", "application/json",
		`{"username":"demo-applicant-2","password":"demo-password"}`); errCode(body) == "" {
		t.Fatal("the API let a locked account in")
	}
	for range pol.FreeFailures + 1 {
		login("no-such-user", "x")
	}
	status, page, h := login("no-such-user", "x")
	if status != http.StatusTooManyRequests || !strings.Contains(page, "Too many login attempts") || h.Get("Retry-After") == "" {
		t.Fatalf("repeated failures: %d %q", status, h.Get("Retry-After"))
	}
	// Another account from the same address is not blocked.
	if status, _, _ := login("demo-applicant", demo.Password); status != http.StatusSeeOther {
		t.Fatalf("other account: %d", status)
	}
}

// TestWebTOTPReplayRefused: a one-time code that signed a staff member in once is
// refused when replayed in another login, even within its 30-second step.
func TestWebTOTPReplayRefused(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	code, err := identity.TOTPCode(demo.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	signIn := func() (int, string) {
		fc := newFormClient(t, m.URL(), nil)
		status, _, resp := fc.post("/login", url.Values{"username": {"demo-expert"}, "password": {demo.Password}})
		if status != http.StatusSeeOther || resp.Header.Get("Location") != "/login/totp" {
			t.Fatalf("password step: %d %s", status, resp.Header.Get("Location"))
		}
		if status, _, _ := fc.get("/profile"); status != http.StatusSeeOther {
			t.Fatalf("the pending session reached /profile: %d", status)
		}
		status, page, _ := fc.post("/login/totp", url.Values{"totp": {code}})
		return status, page
	}
	if status, _ := signIn(); status != http.StatusSeeOther {
		t.Fatalf("first use of the code: %d", status)
	}
	if status, page := signIn(); status != http.StatusUnauthorized || !strings.Contains(page, "already used") {
		t.Fatalf("replayed code: %d", status)
	}
}

// TestDocumentsDownloadAsAttachments: an uploaded file is served only to its case's
// applicant and the service's staff, always as an attachment that is never sniffed,
// through the API and the web pages alike.
func TestDocumentsDownloadAsAttachments(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	applicant := apiLogin(t, m, "demo-applicant", "")
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases", applicant, "application/json",
		`{"service":"certify","kind":"application","form":`+certifyForm+`}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("open: %d %v", resp.StatusCode, out)
	}
	code := out["tracking_code"].(string)
	content := tinyPDF("download")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("type", "national_card")
	fw, _ := mw.CreateFormFile("file", `کارت "ملی".pdf`)
	_, _ = fw.Write(content)
	_ = mw.Close()
	resp, out = doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/documents", applicant, mw.FormDataContentType(), body.String())
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %v", resp.StatusCode, out)
	}
	path := fmt.Sprintf("/api/v1/cases/%s/documents/%v", code, out["id"])

	get := func(token, p string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", m.URL()+p, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	checkAttachment := func(who string, resp *http.Response, b []byte) {
		t.Helper()
		cd := resp.Header.Get("Content-Disposition")
		if resp.StatusCode != 200 || !bytes.Equal(b, content) || !strings.HasPrefix(cd, "attachment;") ||
			!strings.Contains(cd, "filename*=UTF-8''") || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			resp.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("%s: %d %v", who, resp.StatusCode, resp.Header)
		}
	}
	r, b := get(applicant, path)
	checkAttachment("applicant", r, b)
	r, b = get(staffLogin(t, m, "demo-expert"), path)
	checkAttachment("expert of the service", r, b)
	for who, tok := range map[string]string{"anonymous": "", "another applicant": apiLogin(t, m, "demo-applicant-2", ""),
		"responder of another service": staffLogin(t, m, "demo-responder")} {
		if r, b := get(tok, path); r.StatusCode != 401 && r.StatusCode != 404 || bytes.Contains(b, content[:8]) {
			t.Errorf("%s downloaded the document: %d", who, r.StatusCode)
		}
	}
	if r, _ := get(applicant, fmt.Sprintf("/api/v1/cases/%s/documents/999999", code)); r.StatusCode != 404 {
		t.Errorf("unknown document: %d", r.StatusCode)
	}

	fc := newFormClient(t, m.URL(), nil)
	if status, _, _ := fc.post("/login", url.Values{"username": {"demo-applicant"}, "password": {demo.Password}}); status != 303 {
		t.Fatalf("web login: %d", status)
	}
	resp, err := fc.c.Get(m.URL() + strings.TrimPrefix(path, "/api/v1"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	checkAttachment("web page", resp, b)
}

// TestNoStackTraceReachesAClient panics inside a handler of a test mux wrapped the
// way serve wraps the real one: the client gets a plain 500 with the security
// headers and a request ID, and the stack goes only to the log.
func TestNoStackTraceReachesAClient(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	var logged bytes.Buffer
	h := server.Handler(server.Options{DB: m.DB, Log: slog.New(slog.NewTextHandler(&logged, nil)), Routes: func(mux *http.ServeMux) {
		mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) {
			panic("secret-detail: /etc/miz/keys at 0xdeadbeef")
		})
		mux.HandleFunc("GET /panic-after-write", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("partial"))
			panic(fmt.Errorf("wrapped: %w", os.ErrPermission))
		})
	}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, p := range []string{"/panic", "/panic-after-write"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, leak := range []string{"goroutine", "secret-detail", ".go:", "panic", "permission", "runtime/"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s: the client saw %q: %s", p, leak, b)
			}
		}
		if p == "/panic" && (resp.StatusCode != 500 || resp.Header.Get("X-Request-ID") == "" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff") {
			t.Errorf("%s: %d %v", p, resp.StatusCode, resp.Header)
		}
	}
	if !strings.Contains(logged.String(), "secret-detail") || !strings.Contains(logged.String(), "goroutine") {
		t.Error("the panic and its stack were not logged")
	}
	// A failing database shows people a localised message, never the driver's error.
	_ = m.DB.Close()
	for _, p := range []string{"/api/v1/services", "/api/v1/track/ABCD-EFGH-JK", "/", "/track?code=ABCD-EFGH-JK"} {
		resp, err := http.Get(m.URL() + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, leak := range []string{"sql", "database is closed", "goroutine", ".go:"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s with a closed database: the client saw %q (%d)", p, leak, resp.StatusCode)
			}
		}
	}
}
