package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// PasswordChange is a signed-in person changing their own password.
type PasswordChange struct {
	AccountID int64
	Current   string
	New       string
	// KeepToken is the caller's own session, which stays signed in; every other
	// session and token of the account ends.
	KeepToken string
	ClientIP  string
}

// ChangePassword replaces an account's password (argon2id, the registration policy)
// after checking the current one. A wrong current password counts towards the
// lockout. Other sessions and tokens end; the change is audited and the owner told.
func ChangePassword(ctx context.Context, db *store.DB, pol LoginPolicy, c PasswordChange) error {
	if c.Current == "" {
		return problem.Field("current_password", "error.required")
	}
	if err := ValidatePassword("new_password", c.New); err != nil {
		return err
	}
	hash, err := HashPassword(c.New) // before the transaction: it is slow on purpose
	if err != nil {
		return err
	}
	var result error
	err = db.Update(ctx, func(tx *store.Tx) error {
		var r loginRow
		err := tx.QueryRow(ctx, `SELECT id, password_hash, failed_logins, locked_until, disabled FROM accounts WHERE id = ?`, c.AccountID).
			Scan(&r.ID, &r.hash, &r.failures, &r.lockedUntil, &r.disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		ok := false
		if r.hash != "" && !r.disabled && r.lockedUntil <= store.Millis(tx.Now) {
			ok, _ = CheckPassword(r.hash, c.Current)
		}
		if !ok {
			result = &problem.Error{Code: problem.Invalid, Key: "security.password.current_wrong", Field: "current_password", Err: ErrBadCredentials}
			return fail(ctx, tx, pol, r, "password_change")
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, hash, r.ID); err != nil {
			return err
		}
		n, err := RevokeSessions(ctx, tx, r.ID, c.KeepToken)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.AccountActor(r.ID), "auth.password_changed", "account", fmt.Sprint(r.ID),
			map[string]any{"ip": c.ClientIP, "sessions_ended": n}); err != nil {
			return err
		}
		return tellOwner(ctx, tx, r.ID, "security.notice.password")
	})
	if err != nil {
		return fmt.Errorf("identity: change password: %w", err)
	}
	return result
}
