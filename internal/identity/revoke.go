package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// tokenIDLen is the length of a token's public ID: the first hex digits of the
// SHA-256 the database keeps. It names a token without revealing anything that
// lets one use it.
const tokenIDLen = 16

// TokenID returns the stable, non-secret ID of a session or token.
func TokenID(token string) string { return tokenHash(token)[:tokenIDLen] }

// TokenInfo describes a personal access token, without its secret.
type TokenInfo struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	LastUsed  time.Time `json:"last_used"`
}

// ListTokens returns an account's live personal access tokens, newest first.
func ListTokens(ctx context.Context, db *store.DB, accountID int64) ([]TokenInfo, error) {
	var out []TokenInfo
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT token_hash, name, scopes, created_at, expires_at, last_seen_at FROM sessions
			WHERE account_id = ? AND kind = 'pat' AND expires_at > ? ORDER BY created_at DESC, token_hash`, accountID, store.Millis(tx.Now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t TokenInfo
			var hash, scopes string
			var created, exp, seen int64
			if err := rows.Scan(&hash, &t.Name, &scopes, &created, &exp, &seen); err != nil {
				return err
			}
			t.ID, t.Scopes = hash[:tokenIDLen], strings.Fields(scopes)
			t.CreatedAt, t.ExpiresAt, t.LastUsed = store.FromMillis(created), store.FromMillis(exp), store.FromMillis(seen)
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("identity: list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken ends one of an account's personal access tokens by its ID; another
// account's token, or an unknown ID, is NotFound. Audited.
func RevokeToken(ctx context.Context, db *store.DB, accountID int64, id string) error {
	if len(id) != tokenIDLen || strings.Trim(id, "0123456789abcdef") != "" {
		return problem.New(problem.NotFound, "error.not_found")
	}
	err := db.Update(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = ? AND kind = 'pat' AND token_hash LIKE ?`, accountID, id+"%")
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.NotFound, "error.not_found")
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "auth.token_revoked", "account", fmt.Sprint(accountID), map[string]any{"token": id})
	})
	if err != nil {
		return fmt.Errorf("identity: revoke token: %w", err)
	}
	return nil
}

// RevokeSessions deletes every session and token of an account except the one whose
// secret is exceptToken (empty: all), within tx, and returns how many ended. Disabling
// an account, a password change and "sign out everywhere" use it (Security #2).
func RevokeSessions(ctx context.Context, tx *store.Tx, accountID int64, exceptToken string) (int, error) {
	keep := ""
	if exceptToken != "" {
		keep = tokenHash(exceptToken)
	}
	res, err := tx.Exec(ctx, `DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?`, accountID, keep)
	if err != nil {
		return 0, fmt.Errorf("identity: revoke sessions of %d: %w", accountID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// SignOutEverywhere ends all of an account's sessions and tokens except keepToken
// (the caller's own, or empty to end that one too), audited. It returns how many ended.
func SignOutEverywhere(ctx context.Context, db *store.DB, accountID int64, keepToken string) (int, error) {
	var n int
	err := db.Update(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = RevokeSessions(ctx, tx, accountID, keepToken); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "auth.signed_out_everywhere", "account", fmt.Sprint(accountID),
			map[string]any{"ended": n, "kept_current": keepToken != ""})
	})
	if err != nil {
		return 0, fmt.Errorf("identity: sign out everywhere: %w", err)
	}
	return n, nil
}

// touchEvery is how stale last_seen_at may get before a request writes it again:
// an idle timeout needs no more precision, and most requests then write nothing.
const touchEvery = time.Minute

// IdleCheck says what to do with a resolved browser session under an idle timeout
// (0: none): end it when it has been idle longer than idle, refresh its last-seen time
// when that is more than a minute old.
func IdleCheck(s Session, now time.Time, idle time.Duration) (expired, touch bool) {
	if idle > 0 && now.Sub(s.LastSeen) > idle {
		return true, false
	}
	return false, now.Sub(s.LastSeen) >= touchEvery
}

// TouchSession records that a session was used now.
func TouchSession(ctx context.Context, db *store.DB, token string) error {
	return db.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, store.Millis(tx.Now), tokenHash(token))
		return err
	})
}

// EndIdleSession deletes a session that was idle too long, audited.
func EndIdleSession(ctx context.Context, db *store.DB, s Session, token string) error {
	return db.Update(ctx, func(tx *store.Tx) error {
		if err := DeleteSession(ctx, tx, token); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(s.AccountID), "auth.session_idle", "account", fmt.Sprint(s.AccountID),
			map[string]any{"last_seen": s.LastSeen.UTC().Format(time.RFC3339)})
	})
}
