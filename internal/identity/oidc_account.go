package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// oidcClaims are the ID token claims Miz reads.
type oidcClaims struct {
	Subject      string   `json:"sub"`
	NationalCode string   `json:"national_code"`
	AMR          []string `json:"amr"`
}

// strongAuth reports whether the provider says it checked a second factor.
func (c oidcClaims) strongAuth() bool {
	return slices.Contains(c.AMR, "otp") || slices.Contains(c.AMR, "mfa")
}

// oidcAccount maps verified claims to an account, linking a person's account by its
// national code the first time, and applies the same lockout and second-factor rules
// as a password login. Refusals are audited, so the transaction commits with them.
func oidcAccount(ctx context.Context, db *store.DB, c oidcClaims, ip string) (Account, error) {
	var result Account
	var loginErr error
	err := db.Update(ctx, func(tx *store.Tx) error {
		row, err := loginBySubject(ctx, tx, c.Subject)
		if errors.Is(err, store.ErrNotFound) {
			row, err = linkByNationalCode(ctx, tx, c)
		}
		if errors.Is(err, store.ErrNotFound) {
			loginErr = ErrOIDCUnknownSubject
			return audit.Record(ctx, tx, "anonymous", "auth.login_failed", "account", "",
				map[string]any{"reason": "oidc_unknown_subject", "sub": c.Subject, "ip": ip})
		}
		if err != nil {
			return err
		}
		actor := audit.AccountActor(row.ID)
		if row.disabled || row.lockedUntil > store.Millis(tx.Now) {
			loginErr = ErrLocked
			return audit.Record(ctx, tx, actor, "auth.login_refused", "account", fmt.Sprint(row.ID), map[string]any{"reason": "locked", "method": "oidc"})
		}
		result = row.Account
		staff := row.Kind == KindStaff || row.Admin || row.hasGrants
		if (staff || row.TOTPEnabled) && !c.strongAuth() {
			loginErr = ErrTOTPRequired
			if !row.TOTPEnabled {
				loginErr = ErrTOTPNotEnrolled
			}
			return nil // the second factor's check audits the login
		}
		return audit.Record(ctx, tx, actor, "auth.login", "account", fmt.Sprint(row.ID),
			map[string]any{"ip": ip, "method": "oidc", "amr": c.AMR})
	})
	if err != nil {
		return Account{}, fmt.Errorf("identity: oidc login: %w", err)
	}
	return result, loginErr
}

const oidcLoginColumns = `SELECT a.id, a.username, a.kind, COALESCE(a.person_id, 0), COALESCE(a.org_id, 0), a.display_name, a.email,
	a.totp_enabled, a.is_admin, a.lang, a.locked_until, a.disabled,
	EXISTS (SELECT 1 FROM role_grants g WHERE g.account_id = a.id) FROM accounts a `

func scanOIDCLogin(row *sql.Row) (loginRow, error) {
	var r loginRow
	var kind string
	err := row.Scan(&r.ID, &r.Username, &kind, &r.PersonID, &r.OrgID, &r.DisplayName, &r.Email, &r.TOTPEnabled, &r.Admin, &r.Lang,
		&r.lockedUntil, &r.disabled, &r.hasGrants)
	r.Kind = AccountKind(kind)
	if errors.Is(err, sql.ErrNoRows) {
		return r, store.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("identity: oidc account: %w", err)
	}
	return r, nil
}

func loginBySubject(ctx context.Context, tx *store.Tx, sub string) (loginRow, error) {
	if sub == "" {
		return loginRow{}, store.ErrNotFound
	}
	return scanOIDCLogin(tx.QueryRow(ctx, oidcLoginColumns+`WHERE a.oidc_subject = ?`, sub))
}

// linkByNationalCode links the subject to the account of the person the token's
// national_code claim names, if that account has no subject yet. Only person accounts
// are linked this way; staff are linked by an administrator.
func linkByNationalCode(ctx context.Context, tx *store.Tx, c oidcClaims) (loginRow, error) {
	if c.NationalCode == "" || c.Subject == "" {
		return loginRow{}, store.ErrNotFound
	}
	code, err := persian.ValidateNationalCode(c.NationalCode)
	if err != nil {
		return loginRow{}, store.ErrNotFound
	}
	row, err := scanOIDCLogin(tx.QueryRow(ctx, oidcLoginColumns+`JOIN people p ON p.id = a.person_id
		WHERE p.national_code = ? AND a.kind = 'person' AND a.oidc_subject IS NULL ORDER BY a.id LIMIT 1`, code))
	if err != nil {
		return row, err
	}
	if _, err := tx.Exec(ctx, `UPDATE accounts SET oidc_subject = ? WHERE id = ?`, c.Subject, row.ID); err != nil {
		return row, fmt.Errorf("identity: link oidc subject: %w", err)
	}
	err = audit.Record(ctx, tx, audit.AccountActor(row.ID), "auth.oidc_linked", "account", fmt.Sprint(row.ID),
		map[string]any{"sub": c.Subject, "national_code": code})
	return row, err
}
