package identity

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/itoir/miz/internal/store"
)

// OIDC login failures. Each is shown with its own message; the cause goes to the log.
var (
	ErrOIDCState          = errors.New("identity: oidc state missing, expired or not this browser's")
	ErrOIDCToken          = errors.New("identity: oidc token exchange or verification failed")
	ErrOIDCNonce          = errors.New("identity: oidc nonce mismatch")
	ErrOIDCUnknownSubject = errors.New("identity: oidc subject not linked to an account")
	ErrOIDCUnavailable    = errors.New("identity: oidc provider unreachable")
)

// oidcLoginTTL is how long a browser has between leaving for the provider and
// coming back.
const oidcLoginTTL = 10 * time.Minute

// OIDCConfig configures single sign-on through an OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// BaseURL is the desk's public URL; the callback is BaseURL/login/oidc/callback.
	// Empty means the web layer derives it from the request.
	BaseURL string
	// Client makes the calls to the provider (default: 15-second timeout).
	Client *http.Client
}

// OIDC logs people in through an OpenID Connect provider (authorisation code flow
// with PKCE, state and nonce). The provider's discovery document is fetched on first
// use and kept, so Miz starts even while the provider is down.
//
// Accounts are found by accounts.oidc_subject, the token's "sub". A subject not yet
// linked is linked to a person's account only when the token carries a
// "national_code" claim naming an existing person (the link is audited); otherwise
// the login is refused. Staff and accounts with TOTP enrolled still give their TOTP
// code after the provider unless the token's "amr" claim includes "otp" or "mfa",
// i.e. the provider itself checked a second factor.
type OIDC struct {
	Config OIDCConfig

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewOIDC returns single sign-on for cfg; nothing is fetched until the first login.
func NewOIDC(cfg OIDCConfig) *OIDC {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 15 * time.Second}
	}
	return &OIDC{Config: cfg}
}

func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.Config.Client), o.Config.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: discovery: %w", ErrOIDCUnavailable, err)
	}
	o.provider = p
	return p, nil
}

func (o *OIDC) oauth(p *oidc.Provider, redirectURL string) *oauth2.Config {
	return &oauth2.Config{ClientID: o.Config.ClientID, ClientSecret: o.Config.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirectURL, Scopes: []string{oidc.ScopeOpenID, "profile"}}
}

// OIDCStart is a login on its way to the provider.
type OIDCStart struct {
	// AuthURL is where to send the browser.
	AuthURL string
	// State must come back with the browser (kept in an HttpOnly cookie) and in the
	// callback's query; the two are compared.
	State string
}

// Begin starts a login: it stores a fresh state (hashed), nonce and PKCE verifier in
// the database, so any instance can finish it, and returns the provider's URL.
// next is the local path to return to afterwards.
func (o *OIDC) Begin(ctx context.Context, db *store.DB, redirectURL, next string) (OIDCStart, error) {
	p, err := o.discover(ctx)
	if err != nil {
		return OIDCStart{}, err
	}
	state, nonce, verifier := RandomToken(32), RandomToken(32), oauth2.GenerateVerifier()
	err = db.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_logins WHERE expires_at < ?`, store.Millis(tx.Now)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_logins (state_hash, nonce, verifier, redirect_url, next_path, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, tokenHash(state), nonce, verifier, redirectURL, next, store.Millis(tx.Now.Add(oidcLoginTTL)))
		return err
	})
	if err != nil {
		return OIDCStart{}, fmt.Errorf("identity: oidc begin: %w", err)
	}
	url := o.oauth(p, redirectURL).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	return OIDCStart{AuthURL: url, State: state}, nil
}

// OIDCCallback is what came back from the provider.
type OIDCCallback struct {
	State       string // the query's state
	CookieState string // the state this browser was given at Begin
	Code        string
	ClientIP    string
}

// OIDCResult is a finished login.
type OIDCResult struct {
	Account Account
	// Next is the local path the login started from.
	Next string
}

// Finish completes a login: the state must match the browser's and be unused and
// fresh; the code is exchanged with the PKCE verifier; the ID token's signature,
// issuer, audience, expiry and nonce are checked; and the subject is mapped to an
// account. Like Login it returns the account together with ErrTOTPRequired or
// ErrTOTPNotEnrolled when a second factor must follow.
func (o *OIDC) Finish(ctx context.Context, db *store.DB, cb OIDCCallback) (OIDCResult, error) {
	if cb.State == "" || subtle.ConstantTimeCompare([]byte(cb.State), []byte(cb.CookieState)) != 1 {
		return OIDCResult{}, ErrOIDCState
	}
	var nonce, verifier, redirectURL, next string
	err := db.Update(ctx, func(tx *store.Tx) error {
		var expires int64
		err := tx.QueryRow(ctx, `SELECT nonce, verifier, redirect_url, next_path, expires_at FROM oidc_logins WHERE state_hash = ?`,
			tokenHash(cb.State)).Scan(&nonce, &verifier, &redirectURL, &next, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrOIDCState
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_logins WHERE state_hash = ?`, tokenHash(cb.State)); err != nil {
			return err
		}
		if expires <= store.Millis(tx.Now) {
			return ErrOIDCState
		}
		return nil
	})
	if err != nil {
		return OIDCResult{}, fmt.Errorf("identity: oidc state: %w", err)
	}
	p, err := o.discover(ctx)
	if err != nil {
		return OIDCResult{}, err
	}
	cctx := oidc.ClientContext(ctx, o.Config.Client)
	tok, err := o.oauth(p, redirectURL).Exchange(cctx, cb.Code, oauth2.VerifierOption(verifier))
	if err != nil {
		return OIDCResult{}, fmt.Errorf("%w: exchange: %w", ErrOIDCToken, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return OIDCResult{}, fmt.Errorf("%w: no id_token in the token response", ErrOIDCToken)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: o.Config.ClientID}).Verify(cctx, raw)
	if err != nil {
		return OIDCResult{}, fmt.Errorf("%w: %w", ErrOIDCToken, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return OIDCResult{}, ErrOIDCNonce
	}
	var claims oidcClaims
	if err := idt.Claims(&claims); err != nil {
		return OIDCResult{}, fmt.Errorf("%w: claims: %w", ErrOIDCToken, err)
	}
	claims.Subject = idt.Subject
	acct, err := oidcAccount(ctx, db, claims, cb.ClientIP)
	return OIDCResult{Account: acct, Next: next}, err
}
