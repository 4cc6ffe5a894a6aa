package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// Errors of changing the second factor.
var (
	// ErrTOTPAlreadyEnrolled: a half-finished login (password only) may not replace
	// an existing second factor.
	ErrTOTPAlreadyEnrolled = errors.New("identity: account already has a second factor")
	// ErrReauthRequired: replacing a second factor needs the current code or the password.
	ErrReauthRequired = errors.New("identity: current one-time code or password required")
)

// Enrolment is a request to set an account's TOTP secret.
type Enrolment struct {
	AccountID int64
	// Pending is true when the caller only proved the password (a pending login
	// session): then only an account without a second factor may enrol.
	Pending bool
	Secret  string // the new secret
	Code    string // a code from the new secret, proving the app was set up
	// CurrentCode or Password re-authenticates a full session replacing an existing
	// second factor.
	CurrentCode string
	Password    string
	ClientIP    string
}

// EnrollTOTP stores a verified TOTP secret for an account, encrypted (Security #8b).
// Security #1: a pending session may only enrol an account that has no second factor
// yet; replacing one needs the current code or the password; the owner is told (in-app,
// by e-mail and by SMS where known) whenever the second factor changes.
func EnrollTOTP(ctx context.Context, db *store.DB, pol LoginPolicy, e Enrolment) error {
	var result error
	err := db.Update(ctx, func(tx *store.Tx) error {
		var r loginRow
		err := tx.QueryRow(ctx, `SELECT id, password_hash, totp_secret, totp_enabled, totp_last_step, failed_logins, locked_until, disabled
			FROM accounts WHERE id = ?`, e.AccountID).Scan(&r.ID, &r.hash, &r.totpSecret, &r.TOTPEnabled, &r.lastStep, &r.failures, &r.lockedUntil, &r.disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		actor := audit.AccountActor(r.ID)
		if r.disabled || r.lockedUntil > store.Millis(tx.Now) {
			result = ErrBadCredentials
			return nil
		}
		if r.TOTPEnabled {
			if e.Pending {
				result = ErrTOTPAlreadyEnrolled
				return audit.Record(ctx, tx, actor, "auth.totp_enrol_refused", "account", fmt.Sprint(r.ID),
					map[string]any{"reason": "pending_session", "ip": e.ClientIP})
			}
			ok, err := reauthenticate(ctx, tx, pol, r, e.CurrentCode, e.Password)
			if err != nil {
				return err
			}
			if !ok {
				result = ErrReauthRequired
				return fail(ctx, tx, pol, r, "totp_reenrol")
			}
		}
		step, ok := CheckTOTP(e.Secret, persian.ASCIIDigits(e.Code), tx.Now, 0)
		if !ok {
			result = ErrTOTPInvalid
			return nil
		}
		sealed, err := pol.TOTP.seal(r.ID, e.Secret)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = ?, totp_enabled = TRUE, totp_last_step = ? WHERE id = ?`, sealed, step, r.ID); err != nil {
			return err
		}
		action := "auth.totp_enrolled"
		if r.TOTPEnabled {
			action = "auth.totp_changed"
		}
		if err := audit.Record(ctx, tx, actor, action, "account", fmt.Sprint(r.ID), map[string]any{"ip": e.ClientIP}); err != nil {
			return err
		}
		return tellOwner(ctx, tx, r.ID, "security.notice.totp")
	})
	if err != nil {
		return fmt.Errorf("identity: enrol totp: %w", err)
	}
	return result
}

// reauthenticate checks a current TOTP code (replay-protected, and consumed) or the
// password of an account.
func reauthenticate(ctx context.Context, tx *store.Tx, pol LoginPolicy, r loginRow, code, password string) (bool, error) {
	if strings.TrimSpace(code) != "" {
		secret, err := pol.TOTP.open(r.ID, r.totpSecret)
		if err != nil {
			return false, err
		}
		if step, ok := CheckTOTP(secret, persian.ASCIIDigits(code), tx.Now, r.lastStep); ok {
			_, err := tx.Exec(ctx, `UPDATE accounts SET totp_last_step = ? WHERE id = ?`, step, r.ID)
			return err == nil, err
		}
		return false, nil
	}
	if password != "" && r.hash != "" {
		ok, _ := CheckPassword(r.hash, password)
		return ok, nil
	}
	return false, nil
}

// tellOwner queues a security notice to an account's owner: in-app, by e-mail to the
// account's (or person's) address and by SMS to a verified mobile. The message key
// names the change; its text comes in Persian and English.
func tellOwner(ctx context.Context, tx *store.Tx, accountID int64, key string) error {
	n := notify.InApp{TitleFa: i18n.T(i18n.Fa, key+".title"), TitleEn: i18n.T(i18n.En, key+".title"),
		BodyFa: i18n.T(i18n.Fa, key+".body"), BodyEn: i18n.T(i18n.En, key+".body"), Link: "/profile"}
	if err := notify.Notify(ctx, tx, accountID, n); err != nil {
		return err
	}
	var email, pemail, mobile string
	var verified bool
	err := tx.QueryRow(ctx, `SELECT a.email, COALESCE(p.email, ''), COALESCE(p.mobile, ''), COALESCE(p.mobile_verified, FALSE)
		FROM accounts a LEFT JOIN people p ON p.id = a.person_id WHERE a.id = ?`, accountID).Scan(&email, &pemail, &mobile, &verified)
	if err != nil {
		return fmt.Errorf("identity: owner contact: %w", err)
	}
	if email == "" {
		email = pemail
	}
	if email != "" {
		m := notify.Bilingual{SubjectFa: n.TitleFa, SubjectEn: n.TitleEn, BodyFa: n.BodyFa, BodyEn: n.BodyEn}.Email(email)
		m.RefKind, m.RefID = "account", fmt.Sprint(accountID)
		if err := notify.Queue(ctx, tx, m); err != nil {
			return err
		}
	}
	if mobile != "" && verified {
		m := notify.SMS(mobile, n.BodyFa)
		m.RefKind, m.RefID = "account", fmt.Sprint(accountID)
		if err := notify.Queue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// HasTOTP reports whether an account has a second factor.
func HasTOTP(ctx context.Context, db *store.DB, accountID int64) (bool, error) {
	var on bool
	err := db.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT totp_enabled FROM accounts WHERE id = ?`, accountID).Scan(&on)
	})
	if err != nil {
		return false, fmt.Errorf("identity: has totp: %w", err)
	}
	return on, nil
}
