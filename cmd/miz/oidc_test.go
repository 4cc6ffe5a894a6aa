package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// provider is a minimal OpenID Connect provider: discovery, JWKS, an authorisation
// endpoint that approves at once, and a token endpoint that checks PKCE and returns
// an RS256 ID token. Its fields say who logs in next and how to misbehave.
type provider struct {
	srv *httptest.Server
	key *rsa.PrivateKey

	mu        sync.Mutex
	sub       string
	claims    map[string]any // extra ID token claims (national_code, amr)
	badState  bool           // send the browser back with a forged state
	badNonce  bool           // sign the ID token with another nonce
	codes     map[string]grant
	exchanges int
}

type grant struct{ nonce, challenge, redirect string }

func newProvider(t *testing.T) *provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key, codes: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSONTest(w, map[string]any{"issuer": p.srv.URL, "authorization_endpoint": p.srv.URL + "/authorize",
			"token_endpoint": p.srv.URL + "/token", "jwks_uri": p.srv.URL + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSONTest(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func writeJSONTest(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (p *provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != "miz" || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorisation request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	code := randomString()
	p.mu.Lock()
	p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	state := q.Get("state")
	if p.badState {
		state = "forged-" + state[:8]
	}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	back.RawQuery = url.Values{"code": {code}, "state": {state}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.exchanges++
	g, ok := p.codes[r.PostFormValue("code")]
	delete(p.codes, r.PostFormValue("code"))
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	id, secret, _ := r.BasicAuth()
	if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || r.PostFormValue("redirect_uri") != g.redirect ||
		id != "miz" || secret != "s3cret" {
		w.WriteHeader(http.StatusBadRequest)
		writeJSONTest(w, map[string]string{"error": "invalid_grant"})
		return
	}
	claims := map[string]any{"iss": p.srv.URL, "sub": p.sub, "aud": "miz", "iat": time.Now().Unix(),
		"exp": time.Now().Add(5 * time.Minute).Unix(), "nonce": g.nonce}
	if p.badNonce {
		claims["nonce"] = "replayed-nonce"
	}
	for k, v := range p.claims {
		claims[k] = v
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	idToken, _ := jws.CompactSerialize()
	writeJSONTest(w, map[string]any{"access_token": randomString(), "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

func randomString() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// next sets who logs in next and how the provider behaves.
func (p *provider) next(sub string, claims map[string]any, badState, badNonce bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sub, p.claims, p.badState, p.badNonce = sub, claims, badState, badNonce
}

// browser is a client with its own cookies that follows redirects across Miz and the
// provider.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// ssoLogin starts at /login/oidc and returns the final status, path and page.
func ssoLogin(t *testing.T, c *http.Client, m *Main) (int, string, string) {
	t.Helper()
	u, _ := url.Parse(m.URL())
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: "en", Path: "/"}}) // pages follow the language switch
	resp, err := c.Get(m.URL() + "/login/oidc")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.Path, string(b)
}

func profileOf(t *testing.T, c *http.Client, m *Main) string {
	t.Helper()
	resp, err := c.Get(m.URL() + "/profile")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Request.URL.Path != "/profile" {
		return "" // sent to the login page: not signed in
	}
	return string(b)
}

func scalar(t *testing.T, m *Main, q string, args ...any) string {
	t.Helper()
	var s string
	ctx := context.Background()
	if err := m.DB.View(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q, args...).Scan(&s) }); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOIDCLogin(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, dbURL string) {
		idp := newProvider(t)
		m := startDemoWith(t, dbURL, func(c *Config) {
			c.OIDCIssuer, c.OIDCClientID, c.OIDCClientSecret = idp.srv.URL, "miz", "s3cret"
		})
		t.Run("unknown subject is refused", func(t *testing.T) {
			idp.next("stranger", nil, false, false)
			c := browser()
			status, _, page := ssoLogin(t, c, m)
			if status != 403 || !strings.Contains(page, "not linked to any account") || profileOf(t, c, m) != "" {
				t.Fatalf("unknown subject: %d", status)
			}
		})
		t.Run("national code links and logs in", func(t *testing.T) {
			idp.next("ito-sso-ali", map[string]any{"national_code": "۰۴۹۹۳۷۰۸۹۹"}, false, false)
			c := browser()
			if status, path, _ := ssoLogin(t, c, m); status != 200 || path != "/" {
				t.Fatalf("login: %d at %s", status, path)
			}
			if !strings.Contains(profileOf(t, c, m), "demo-applicant") {
				t.Fatal("not logged in as the demo applicant")
			}
			if sub := scalar(t, m, `SELECT oidc_subject FROM accounts WHERE username = 'demo-applicant'`); sub != "ito-sso-ali" {
				t.Fatalf("subject not linked: %q", sub)
			}
			if n := scalar(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.oidc_linked'`); n != "1" {
				t.Fatalf("link audited %s times", n)
			}
			// Next time the subject alone is enough.
			idp.next("ito-sso-ali", nil, false, false)
			c = browser()
			if status, path, _ := ssoLogin(t, c, m); status != 200 || path != "/" || !strings.Contains(profileOf(t, c, m), "demo-applicant") {
				t.Fatalf("second login: %d at %s", status, path)
			}
		})
		t.Run("forged state is refused", func(t *testing.T) {
			idp.next("ito-sso-ali", nil, true, false)
			c := browser()
			status, _, page := ssoLogin(t, c, m)
			if status != 400 || !strings.Contains(page, "not started in this browser") || profileOf(t, c, m) != "" {
				t.Fatalf("forged state: %d", status)
			}
		})
		t.Run("callback in another browser is refused", func(t *testing.T) {
			idp.next("ito-sso-ali", nil, false, false)
			victim := browser()
			var callback string
			victim.CheckRedirect = func(r *http.Request, _ []*http.Request) error {
				if r.URL.Path == "/login/oidc/callback" {
					callback = r.URL.String()
					return http.ErrUseLastResponse
				}
				return nil
			}
			ssoLogin(t, victim, m)
			if callback == "" {
				t.Fatal("never reached the callback")
			}
			get := func(c *http.Client) int {
				resp, err := c.Get(callback)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			attacker := browser()
			if status := get(attacker); status != 400 || profileOf(t, attacker, m) != "" {
				t.Fatalf("callback in the attacker's browser: %d", status)
			}
			victim.CheckRedirect = nil
			if status := get(victim); status != 200 || !strings.Contains(profileOf(t, victim, m), "demo-applicant") {
				t.Fatalf("callback in the browser that started: %d", status)
			}
			// The state is spent: the same callback with the same cookie fails.
			cb, _ := url.Parse(callback)
			victim.Jar.SetCookies(cb, []*http.Cookie{{Name: "miz_oidc_state", Value: cb.Query().Get("state"), Path: "/login/oidc"}})
			if status := get(victim); status != 400 {
				t.Fatalf("replayed callback: %d", status)
			}
		})
		t.Run("bad nonce is refused", func(t *testing.T) {
			idp.next("ito-sso-ali", nil, false, true)
			c := browser()
			status, _, page := ssoLogin(t, c, m)
			if status != 401 || !strings.Contains(page, "answer was not valid") || profileOf(t, c, m) != "" {
				t.Fatalf("bad nonce: %d", status)
			}
		})
		t.Run("staff still give TOTP unless the provider checked a second factor", func(t *testing.T) {
			ctx := context.Background()
			if err := m.DB.Update(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `UPDATE accounts SET oidc_subject = 'ito-sso-expert' WHERE username = 'demo-expert'`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			idp.next("ito-sso-expert", map[string]any{"amr": []string{"pwd"}}, false, false)
			c := browser()
			if status, path, _ := ssoLogin(t, c, m); status != 200 || path != "/login/totp" || profileOf(t, c, m) != "" {
				t.Fatalf("staff with password only: %d at %s", status, path)
			}
			idp.next("ito-sso-expert", map[string]any{"amr": []string{"pwd", "otp"}}, false, false)
			c = browser()
			if status, path, _ := ssoLogin(t, c, m); status != 200 || path != "/" || !strings.Contains(profileOf(t, c, m), "demo-expert") {
				t.Fatalf("staff with otp at the provider: %d at %s", status, path)
			}
		})
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.PostgresURL(t)) })
}
