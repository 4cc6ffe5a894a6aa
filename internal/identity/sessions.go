package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/store"
)

// SessionKind distinguishes browser sessions, API login tokens, personal access tokens
// and half-finished logins awaiting the second factor.
type SessionKind string

// Session kinds.
const (
	SessionWeb     SessionKind = "web"
	SessionAPI     SessionKind = "api"
	SessionPAT     SessionKind = "pat"
	SessionPending SessionKind = "pending"
)

// Session is a stored session or token. Only the token's SHA-256 is stored.
type Session struct {
	AccountID   int64
	Kind        SessionKind
	ActingOrgID int64
	CSRF        string
	Scopes      []string
	Name        string
	ExpiresAt   time.Time
	// LastSeen is when the session last made a request (kept to about a minute).
	LastSeen time.Time
}

// NewSession describes a session to create.
type NewSession struct {
	AccountID   int64
	Kind        SessionKind
	ActingOrgID int64
	TTL         time.Duration
	Scopes      []string
	Name        string
}

// RandomToken returns n random bytes, base64url-encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("identity: random: %v", err)) // the OS random source never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession stores a new session and returns its secret token.
func CreateSession(ctx context.Context, tx *store.Tx, s NewSession) (token string, sess Session, err error) {
	token = RandomToken(32)
	sess = Session{AccountID: s.AccountID, Kind: s.Kind, ActingOrgID: s.ActingOrgID, CSRF: RandomToken(24),
		Scopes: s.Scopes, Name: s.Name, ExpiresAt: tx.Now.Add(s.TTL)}
	_, err = tx.Exec(ctx, `INSERT INTO sessions (token_hash, account_id, kind, acting_org_id, csrf_token, scopes, name, created_at, expires_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tokenHash(token), s.AccountID, string(s.Kind), nullID(s.ActingOrgID), sess.CSRF,
		strings.Join(s.Scopes, " "), s.Name, store.Millis(tx.Now), store.Millis(sess.ExpiresAt), store.Millis(tx.Now))
	if err != nil {
		return "", Session{}, fmt.Errorf("identity: create session: %w", err)
	}
	return token, sess, nil
}

// LookupSession finds a live session by its token. A session of a disabled account
// is not found (Security #2): disabling an account ends its sessions and tokens.
func LookupSession(ctx context.Context, tx *store.Tx, token string) (Session, error) {
	var s Session
	var kind, scopes string
	var acting sql.NullInt64
	var exp, seen int64
	err := tx.QueryRow(ctx, `SELECT s.account_id, s.kind, s.acting_org_id, s.csrf_token, s.scopes, s.name, s.expires_at, s.last_seen_at
		FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ? AND a.disabled = FALSE`,
		tokenHash(token)).Scan(&s.AccountID, &kind, &acting, &s.CSRF, &scopes, &s.Name, &exp, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, store.ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("identity: session: %w", err)
	}
	s.Kind, s.ActingOrgID, s.ExpiresAt, s.LastSeen = SessionKind(kind), acting.Int64, store.FromMillis(exp), store.FromMillis(seen)
	if scopes != "" {
		s.Scopes = strings.Fields(scopes)
	}
	if !s.ExpiresAt.After(tx.Now) {
		return s, store.ErrNotFound
	}
	return s, nil
}

// DeleteSession ends a session (logout, or rotation at login).
func DeleteSession(ctx context.Context, tx *store.Tx, token string) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash(token))
	return err
}

// SetActingOrg switches the organisation a session acts for.
func SetActingOrg(ctx context.Context, tx *store.Tx, token string, orgID int64) error {
	_, err := tx.Exec(ctx, `UPDATE sessions SET acting_org_id = ? WHERE token_hash = ?`, nullID(orgID), tokenHash(token))
	return err
}

// PurgeExpired removes expired sessions, login attempts older than a day and one-time
// codes that expired more than a day ago (their hashes serve no check any longer, and
// the resend throttle only looks at the last minute).
func PurgeExpired(ctx context.Context, tx *store.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, store.Millis(tx.Now)); err != nil {
		return err
	}
	dayAgo := store.Millis(tx.Now.Add(-24 * time.Hour))
	if _, err := tx.Exec(ctx, `DELETE FROM otp_codes WHERE expires_at < ?`, dayAgo); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, dayAgo)
	return err
}
