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

// LoginPolicy holds the throttling and lockout limits and the key of TOTP secrets.
type LoginPolicy struct {
	MaxFailures  int           // consecutive failures before an account locks
	LockFor      time.Duration // how long a lock lasts
	Window       time.Duration // how long a failure counts towards the throttles below
	MaxPerWindow int           // failures per client address per window (credential stuffing)
	// FreeFailures failures of one account from one address cost nothing; each further
	// one doubles the wait before the next attempt, from BackoffBase up to BackoffMax.
	FreeFailures int
	BackoffBase  time.Duration
	BackoffMax   time.Duration
	// TOTP encrypts second-factor secrets at rest (Security #8b).
	TOTP *TOTPKey
}

// DefaultLoginPolicy locks an account for 15 minutes after 5 failures; from one
// address, one account gets 3 free failures and then waits 1 s, 2 s, 4 s … (at most 15
// minutes), and an address may fail 200 times per 10 minutes over all accounts (an
// office behind one NAT address is not blocked by one person's typos).
func DefaultLoginPolicy() LoginPolicy {
	return LoginPolicy{MaxFailures: 5, LockFor: 15 * time.Minute, Window: 10 * time.Minute, MaxPerWindow: 200,
		FreeFailures: 3, BackoffBase: time.Second, BackoffMax: 15 * time.Minute}
}

// Credentials is one login attempt.
type Credentials struct {
	Username string
	Password string
	TOTP     string // required for staff
	ClientIP string
	// OneStep is set by callers that take both factors at once (the API): a missing or
	// wrong second factor then fails exactly like a wrong password, so that a
	// password-only guess learns nothing (Security #5).
	OneStep bool
}

// RateLimitError is a refused attempt and when to try again; it is ErrRateLimited.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("identity: too many attempts, retry after %s", e.RetryAfter)
}

// Is makes errors.Is(err, ErrRateLimited) hold.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// RetryAfterSeconds is the whole number of seconds to wait (at least 1), for a
// Retry-After header.
func (e *RateLimitError) RetryAfterSeconds() int {
	return max(1, int((e.RetryAfter+time.Second-1)/time.Second))
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

// Login checks credentials and the second factor. Only failures count: towards the
// account's lockout, towards a growing delay for that account from that address, and
// towards a larger cap per address; all are kept in the database so that every
// instance behind a load balancer enforces the same limits. An unknown, disabled or
// locked account fails exactly like a wrong password (same error, same work).
// Successful and failed logins are audited.
func Login(ctx context.Context, db *store.DB, pol LoginPolicy, c Credentials) (Account, error) {
	var result Account
	var loginErr error
	name := strings.ToLower(persian.ASCIIDigits(persian.Normalize(c.Username))) // one key per typed login, whatever digits were typed
	keys := failureKeys(name, c.ClientIP)
	err := db.Update(ctx, func(tx *store.Tx) error {
		if wait, err := throttled(ctx, tx, pol, keys); err != nil || wait > 0 {
			if wait > 0 {
				loginErr = &RateLimitError{RetryAfter: wait}
			}
			return err
		}
		row, err := findLogin(ctx, tx, c.Username)
		if errors.Is(err, store.ErrNotFound) {
			_, _ = CheckPassword(dummyHash, c.Password) // same cost as a real check
			loginErr = ErrBadCredentials
			if err := recordFailure(ctx, tx, keys); err != nil {
				return err
			}
			return audit.Record(ctx, tx, "anonymous", "auth.login_failed", "account", "", map[string]any{"reason": "unknown", "ip": c.ClientIP})
		}
		if err != nil {
			return err
		}
		actor := audit.AccountActor(row.ID)
		if row.disabled || row.lockedUntil > store.Millis(tx.Now) {
			_, _ = CheckPassword(row.hash, c.Password) // as slow as any other failure
			loginErr = ErrBadCredentials               // Security #5: locked answers like unknown
			if err := recordFailure(ctx, tx, keys); err != nil {
				return err
			}
			return audit.Record(ctx, tx, actor, "auth.login_refused", "account", fmt.Sprint(row.ID), map[string]any{"reason": "locked", "ip": c.ClientIP})
		}
		ok, err := CheckPassword(row.hash, c.Password)
		if err != nil || !ok {
			loginErr = ErrBadCredentials
			if err := recordFailure(ctx, tx, keys); err != nil {
				return err
			}
			return fail(ctx, tx, pol, row, "password")
		}
		staff := row.Kind == KindStaff || row.Admin || row.hasGrants
		if staff || row.TOTPEnabled {
			secret, err := pol.TOTP.open(row.ID, row.totpSecret)
			if err != nil {
				return err
			}
			reason := ""
			switch {
			case !row.TOTPEnabled:
				loginErr, reason = ErrTOTPNotEnrolled, "totp_not_enrolled"
			case strings.TrimSpace(c.TOTP) == "":
				loginErr, reason = ErrTOTPRequired, "totp_missing"
			default:
				step, ok := CheckTOTP(secret, persian.ASCIIDigits(c.TOTP), tx.Now, row.lastStep)
				if !ok {
					loginErr, reason = ErrTOTPInvalid, "totp"
					break
				}
				if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_last_step = ? WHERE id = ?`, step, row.ID); err != nil {
					return err
				}
				if err := sealOnUse(ctx, tx, pol, row.ID, row.totpSecret, secret); err != nil {
					return err
				}
			}
			if loginErr != nil {
				if c.OneStep || reason == "totp" {
					// A wrong code, or (one-step) a missing one, is a failed login like
					// a wrong password: counted and answered alike.
					if c.OneStep {
						loginErr = ErrBadCredentials
					}
					if err := recordFailure(ctx, tx, keys); err != nil {
						return err
					}
					return fail(ctx, tx, pol, row, reason)
				}
				result = row.Account // password was right: the web continues to the second step
				return nil
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET failed_logins = 0, locked_until = 0 WHERE id = ?`, row.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE key = ?`, keys[0]); err != nil {
			return err
		}
		result = row.Account
		return audit.Record(ctx, tx, actor, "auth.login", "account", fmt.Sprint(row.ID), map[string]any{"ip": c.ClientIP})
	})
	if err != nil {
		return Account{}, fmt.Errorf("identity: login: %w", err)
	}
	if loginErr != nil && !errors.Is(loginErr, ErrTOTPRequired) && !errors.Is(loginErr, ErrTOTPNotEnrolled) {
		result = Account{}
	}
	return result, loginErr
}

// failureKeys are the login_attempts keys of an attempt: the account typed from this
// address, then the address.
func failureKeys(name, ip string) [2]string {
	return [2]string{"fail:" + ip + "|" + name, "failip:" + ip}
}

// throttled returns how long the attempt must wait (0: go ahead). Only failures are
// stored, so successful logins from a shared address never block anyone.
func throttled(ctx context.Context, tx *store.Tx, pol LoginPolicy, keys [2]string) (time.Duration, error) {
	since := store.Millis(tx.Now.Add(-pol.Window))
	var n int
	var oldest sql.NullInt64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*), MIN(at) FROM login_attempts WHERE key = ? AND at > ?`, keys[1], since).Scan(&n, &oldest); err != nil {
		return 0, fmt.Errorf("identity: login rate: %w", err)
	}
	if pol.MaxPerWindow > 0 && n >= pol.MaxPerWindow {
		return atLeastSecond(store.FromMillis(oldest.Int64).Add(pol.Window).Sub(tx.Now)), nil
	}
	var last sql.NullInt64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*), MAX(at) FROM login_attempts WHERE key = ? AND at > ?`, keys[0], since).Scan(&n, &last); err != nil {
		return 0, fmt.Errorf("identity: login rate: %w", err)
	}
	if n < pol.FreeFailures || pol.BackoffBase <= 0 {
		return 0, nil
	}
	delay := pol.BackoffBase
	for i := pol.FreeFailures; i < n && delay < pol.BackoffMax; i++ {
		delay *= 2
	}
	delay = min(delay, pol.BackoffMax)
	if wait := store.FromMillis(last.Int64).Add(delay).Sub(tx.Now); wait > 0 {
		return atLeastSecond(wait), nil
	}
	return 0, nil
}

// forgetFailures drops the per-address backoff of every name the account can be typed
// as (username, national code, national ID), so that an administrator lifting a
// lockout lifts the backoff too. The address-wide counters stay.
func forgetFailures(ctx context.Context, tx *store.Tx, accountID int64) error {
	rows, err := tx.Query(ctx, `SELECT a.username, COALESCE(p.national_code, ''), COALESCE(o.national_id, '') FROM accounts a
		LEFT JOIN people p ON p.id = a.person_id LEFT JOIN organizations o ON o.id = a.org_id WHERE a.id = ?`, accountID)
	if err != nil {
		return fmt.Errorf("identity: forget failures: %w", err)
	}
	var names []string
	for rows.Next() {
		var u, nc, ni string
		if err := rows.Scan(&u, &nc, &ni); err != nil {
			rows.Close()
			return fmt.Errorf("identity: forget failures: %w", err)
		}
		for _, n := range []string{u, nc, ni} {
			if n != "" {
				names = append(names, strings.ToLower(n))
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("identity: forget failures: %w", err)
	}
	for _, n := range names {
		suffix := "|" + n
		if _, err := tx.Exec(ctx, `DELETE FROM login_attempts WHERE key LIKE 'fail:%' AND substr(key, length(key) - ? + 1) = ?`,
			len([]rune(suffix)), suffix); err != nil {
			return fmt.Errorf("identity: forget failures: %w", err)
		}
	}
	return nil
}

func atLeastSecond(d time.Duration) time.Duration { return max(d, time.Second) }

func recordFailure(ctx context.Context, tx *store.Tx, keys [2]string) error {
	for _, k := range keys {
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempts (key, at) VALUES (?, ?)`, k, store.Millis(tx.Now)); err != nil {
			return fmt.Errorf("identity: record failure: %w", err)
		}
	}
	return nil
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
	return audit.Record(ctx, tx, audit.AccountActor(row.ID), "auth.login_failed", "account", fmt.Sprint(row.ID),
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

// VerifySecondFactor checks the TOTP code of an account whose password was already
// accepted (the web's two-step login). Failures count towards the lockout; a disabled
// or locked account fails like a wrong code.
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
			result = ErrTOTPInvalid
			return nil
		}
		secret, err := pol.TOTP.open(r.ID, r.totpSecret)
		if err != nil {
			return err
		}
		step, ok := CheckTOTP(secret, persian.ASCIIDigits(code), tx.Now, r.lastStep)
		if !r.TOTPEnabled || !ok {
			result = ErrTOTPInvalid
			return fail(ctx, tx, pol, r, "totp")
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_last_step = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, step, accountID); err != nil {
			return err
		}
		if err := sealOnUse(ctx, tx, pol, r.ID, r.totpSecret, secret); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "auth.login", "account", fmt.Sprint(accountID), map[string]any{"ip": clientIP, "factor": "totp"})
	})
	if err != nil {
		return err
	}
	return result
}

// sealOnUse encrypts a secret still stored in plain text once it has been used (the
// upgrade path for rows written after the start-up pass, e.g. by a seed).
func sealOnUse(ctx context.Context, tx *store.Tx, pol LoginPolicy, id int64, stored, secret string) error {
	if pol.TOTP == nil || strings.HasPrefix(stored, sealedPrefix) {
		return nil
	}
	sealed, err := pol.TOTP.seal(id, secret)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE accounts SET totp_secret = ? WHERE id = ?`, sealed, id)
	return err
}
