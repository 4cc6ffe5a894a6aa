package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// LoginPolicy holds the throttling and lockout limits.
type LoginPolicy struct {
	MaxFailures  int           // consecutive failures before an account locks
	LockFor      time.Duration // how long a lock lasts
	Window       time.Duration // rate-limit window per client address
	MaxPerWindow int           // attempts per client address per window
}

// DefaultLoginPolicy locks an account for 15 minutes after 5 failures and allows 30
// attempts per address per 10 minutes.
func DefaultLoginPolicy() LoginPolicy {
	return LoginPolicy{MaxFailures: 5, LockFor: 15 * time.Minute, Window: 10 * time.Minute, MaxPerWindow: 30}
}

// Credentials is one login attempt.
type Credentials struct {
	Username string
	Password string
	TOTP     string // required for staff
	ClientIP string
}

type loginRow struct {
	Account
	hash        string
	totpSecret  string
	lastStep    int64
	failures    int
	lockedUntil int64
	disabled    bool
	hasGrants   bool
}

// Login checks credentials and the second factor. Failures count towards lockout and
// the per-address rate limit; both are kept in the database so that every instance
// behind a load balancer enforces the same limits. Successful and failed logins are
// audited.
func Login(ctx context.Context, db *store.DB, pol LoginPolicy, c Credentials) (Account, error) {
	var result Account
	var loginErr error
	err := db.Update(ctx, func(tx *store.Tx) error {
		now := tx.Now
		ipKey := "ip:" + c.ClientIP
		var recent int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM login_attempts WHERE key = ? AND at > ?`,
			ipKey, store.Millis(now.Add(-pol.Window))).Scan(&recent); err != nil {
			return fmt.Errorf("identity: login rate: %w", err)
		}
		if recent >= pol.MaxPerWindow {
			loginErr = ErrRateLimited
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempts (key, at) VALUES (?, ?)`, ipKey, store.Millis(now)); err != nil {
			return err
		}
		row, err := findLogin(ctx, tx, c.Username)
		if errors.Is(err, store.ErrNotFound) {
			_, _ = CheckPassword(dummyHash, c.Password) // same cost as a real check
			loginErr = ErrBadCredentials
			return audit.Record(ctx, tx, "anonymous", "auth.login_failed", "account", "", map[string]any{"reason": "unknown", "ip": c.ClientIP})
		}
		if err != nil {
			return err
		}
		actor := fmt.Sprintf("account:%d", row.ID)
		if row.disabled || row.lockedUntil > store.Millis(now) {
			loginErr = ErrLocked
			return audit.Record(ctx, tx, actor, "auth.login_refused", "account", fmt.Sprint(row.ID), map[string]any{"reason": "locked"})
		}
		ok, err := CheckPassword(row.hash, c.Password)
		if err != nil || !ok {
			loginErr = ErrBadCredentials
			return fail(ctx, tx, pol, row, "password")
		}
		staff := row.Kind == KindStaff || row.Admin || row.hasGrants
		if staff || row.TOTPEnabled {
			switch {
			case !row.TOTPEnabled:
				loginErr = ErrTOTPNotEnrolled
			case strings.TrimSpace(c.TOTP) == "":
				loginErr = ErrTOTPRequired
			default:
				step, ok := CheckTOTP(row.totpSecret, persian.ASCIIDigits(c.TOTP), now, row.lastStep)
				if !ok {
					loginErr = ErrTOTPInvalid
					return fail(ctx, tx, pol, row, "totp")
				}
				if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_last_step = ? WHERE id = ?`, step, row.ID); err != nil {
					return err
				}
			}
			if loginErr != nil {
				result = row.Account // password was right: the caller may continue to the second step
				return nil
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET failed_logins = 0, locked_until = 0 WHERE id = ?`, row.ID); err != nil {
			return err
		}
		result = row.Account
		return audit.Record(ctx, tx, actor, "auth.login", "account", fmt.Sprint(row.ID), map[string]any{"ip": c.ClientIP})
	})
	if err != nil {
		return Account{}, err
	}
	return result, loginErr
}

func fail(ctx context.Context, tx *store.Tx, pol LoginPolicy, row loginRow, reason string) error {
	failures := row.failures + 1
	var locked int64
	if failures >= pol.MaxFailures {
		locked = store.Millis(tx.Now.Add(pol.LockFor))
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE id = ?`, failures, locked, row.ID); err != nil {
		return err
	}
	return audit.Record(ctx, tx, fmt.Sprintf("account:%d", row.ID), "auth.login_failed", "account", fmt.Sprint(row.ID),
		map[string]any{"reason": reason, "failures": failures, "locked": locked != 0})
}

// dummyHash keeps unknown-user logins as slow as real ones.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2aMKmLhZd5LoUZ4xMrw8mZ6cUMj6oAKFmGzTsKNkdhw"

// findLogin resolves what a person typed: a username, a national code (a person's
// account) or a national ID (an organisation's account), as on ITO's portal.
func findLogin(ctx context.Context, tx *store.Tx, typed string) (loginRow, error) {
	name := strings.ToLower(persian.Normalize(typed))
	id := persian.NormalizeID(typed)
	q := `SELECT a.id, a.username, a.kind, COALESCE(a.person_id, 0), COALESCE(a.org_id, 0), a.display_name, a.email,
		a.totp_enabled, a.is_admin, a.lang, a.password_hash, a.totp_secret, a.totp_last_step, a.failed_logins, a.locked_until, a.disabled,
		EXISTS (SELECT 1 FROM role_grants g WHERE g.account_id = a.id) FROM accounts a `
	var row *sql.Row
	switch {
	case len(id) == 10 && isDigits(id):
		row = tx.QueryRow(ctx, q+`JOIN people p ON p.id = a.person_id WHERE p.national_code = ? AND a.kind = 'person' ORDER BY a.id LIMIT 1`, id)
	case len(id) == 11 && isDigits(id):
		row = tx.QueryRow(ctx, q+`JOIN organizations o ON o.id = a.org_id WHERE o.national_id = ? AND a.kind = 'organization' ORDER BY a.id LIMIT 1`, id)
	default:
		row = tx.QueryRow(ctx, q+`WHERE a.username = ?`, name)
	}
	var r loginRow
	var kind string
	err := row.Scan(&r.ID, &r.Username, &kind, &r.PersonID, &r.OrgID, &r.DisplayName, &r.Email, &r.TOTPEnabled, &r.Admin, &r.Lang,
		&r.hash, &r.totpSecret, &r.lastStep, &r.failures, &r.lockedUntil, &r.disabled, &r.hasGrants)
	r.Kind = AccountKind(kind)
	if errors.Is(err, sql.ErrNoRows) {
		return r, store.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("identity: find login: %w", err)
	}
	if r.hash == "" {
		return r, store.ErrNotFound // OIDC-only account
	}
	return r, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// EnrollTOTP stores a verified TOTP secret for an account: the code proves the person
// set up their authenticator correctly.
func EnrollTOTP(ctx context.Context, db *store.DB, accountID int64, secret, code string) error {
	return db.Update(ctx, func(tx *store.Tx) error {
		step, ok := CheckTOTP(secret, persian.ASCIIDigits(code), tx.Now, 0)
		if !ok {
			return ErrTOTPInvalid
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = ?, totp_enabled = TRUE, totp_last_step = ? WHERE id = ?`, secret, step, accountID); err != nil {
			return fmt.Errorf("identity: enrol totp: %w", err)
		}
		return audit.Record(ctx, tx, fmt.Sprintf("account:%d", accountID), "auth.totp_enrolled", "account", fmt.Sprint(accountID), nil)
	})
}

// VerifySecondFactor checks the TOTP code of an account whose password was already
// accepted (the web's two-step login). Failures count towards the lockout.
func VerifySecondFactor(ctx context.Context, db *store.DB, pol LoginPolicy, accountID int64, code, clientIP string) error {
	var result error
	err := db.Update(ctx, func(tx *store.Tx) error {
		var r loginRow
		err := tx.QueryRow(ctx, `SELECT id, totp_secret, totp_enabled, totp_last_step, failed_logins, locked_until, disabled FROM accounts WHERE id = ?`, accountID).
			Scan(&r.ID, &r.totpSecret, &r.TOTPEnabled, &r.lastStep, &r.failures, &r.lockedUntil, &r.disabled)
		if err != nil {
			return fmt.Errorf("identity: second factor: %w", err)
		}
		if r.disabled || r.lockedUntil > store.Millis(tx.Now) {
			result = ErrLocked
			return nil
		}
		step, ok := CheckTOTP(r.totpSecret, persian.ASCIIDigits(code), tx.Now, r.lastStep)
		if !r.TOTPEnabled || !ok {
			result = ErrTOTPInvalid
			return fail(ctx, tx, pol, r, "totp")
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_last_step = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, step, accountID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, fmt.Sprintf("account:%d", accountID), "auth.login", "account", fmt.Sprint(accountID), map[string]any{"ip": clientIP, "factor": "totp"})
	})
	if err != nil {
		return err
	}
	return result
}
