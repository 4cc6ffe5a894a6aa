package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Self-service (issue 12): what a person does to their own account — register,
// verify a mobile number, reset or change a password, enrol a second factor, manage
// tokens and sessions, run an organisation's members, choose a language. Each method
// owns its transaction, acts only on the caller's own account (or on the
// organisation the caller's account is) and records its audit entry, so the web and
// the API only translate HTTP. The rules themselves live in the files named after
// them (register.go, mobile.go, reset.go, enrol.go, password_change.go, revoke.go).

// Register creates a natural person and their account (see Registration).
func (s *Accounts) Register(ctx context.Context, in Registration) (Registered, error) {
	return Register(ctx, s.DB, in)
}

// Mobile is the caller's mobile number and whether it is verified.
func (s *Accounts) Mobile(ctx context.Context, accountID int64) (MobileStatus, error) {
	var st MobileStatus
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		st, err = MobileOf(ctx, tx, accountID)
		return err
	})
	return st, err
}

// VerifyMobile checks the one-time code sent to the caller's mobile number.
func (s *Accounts) VerifyMobile(ctx context.Context, accountID int64, code string) error {
	return VerifyMobile(ctx, s.DB, accountID, code)
}

// ResendMobileCode sends a new code to the caller's unverified mobile number.
func (s *Accounts) ResendMobileCode(ctx context.Context, accountID int64) error {
	return ResendMobileCode(ctx, s.DB, accountID)
}

// ChangeMobile replaces the caller's mobile number; it stays unverified until the
// code sent to it is entered.
func (s *Accounts) ChangeMobile(ctx context.Context, accountID int64, mobile string) (string, error) {
	return ChangeMobile(ctx, s.DB, accountID, mobile)
}

// RequestPasswordReset sends a reset link or code (see ResetRequest).
func (s *Accounts) RequestPasswordReset(ctx context.Context, req ResetRequest) error {
	return RequestPasswordReset(ctx, s.DB, req)
}

// CompletePasswordReset sets a new password with a reset link or code.
func (s *Accounts) CompletePasswordReset(ctx context.Context, c ResetCompletion) error {
	return CompletePasswordReset(ctx, s.DB, c)
}

// HasTOTP reports whether the account has a second factor.
func (s *Accounts) HasTOTP(ctx context.Context, accountID int64) (bool, error) {
	return HasTOTP(ctx, s.DB, accountID)
}

// EnrollTOTP sets the caller's second factor (see Enrolment and Security #1).
func (s *Accounts) EnrollTOTP(ctx context.Context, e Enrolment) error {
	return EnrollTOTP(ctx, s.DB, s.Policy, e)
}

// ChangePassword changes the caller's password, the current one required; other
// sessions and tokens end.
func (s *Accounts) ChangePassword(ctx context.Context, c PasswordChange) error {
	return ChangePassword(ctx, s.DB, s.Policy, c)
}

// ListTokens lists the caller's personal access tokens, never their secrets.
func (s *Accounts) ListTokens(ctx context.Context, accountID int64) ([]TokenInfo, error) {
	return ListTokens(ctx, s.DB, accountID)
}

// RevokeToken revokes one of the caller's personal access tokens.
func (s *Accounts) RevokeToken(ctx context.Context, accountID int64, id string) error {
	return RevokeToken(ctx, s.DB, accountID, id)
}

// SignOutEverywhere ends the caller's sessions and tokens except keepToken.
func (s *Accounts) SignOutEverywhere(ctx context.Context, accountID int64, keepToken string) (int, error) {
	return SignOutEverywhere(ctx, s.DB, accountID, keepToken)
}

// SetLanguage stores the language the caller reads the desk in.
func (s *Accounts) SetLanguage(ctx context.Context, accountID int64, lang string) error {
	return s.DB.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE accounts SET lang = ? WHERE id = ?`, lang, accountID)
		return err
	})
}

// Profile is what the profile page shows of the caller.
type Profile struct {
	Person *Person // nil for accounts that are no person
	Orgs   []Organization
	Tokens []TokenInfo
}

// Profile reads the caller's person, organisations and tokens.
func (s *Accounts) Profile(ctx context.Context, p *Principal) (Profile, error) {
	var d Profile
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		if p.PersonID == 0 {
			return nil
		}
		person, err := PersonByID(ctx, tx, p.PersonID)
		if err != nil {
			return err
		}
		d.Person = &person
		d.Orgs, err = Memberships(ctx, tx, person.ID)
		return err
	})
	if err == nil {
		d.Tokens, err = ListTokens(ctx, s.DB, p.ID)
	}
	return d, err
}

// OrgMembers is an organisation with the people who may act for it.
type OrgMembers struct {
	Org     Organization
	Members []Member
}

// orgOf is the organisation the caller's account is: only the organisation's own
// account manages who may act for it.
func orgOf(p *Principal) (int64, error) {
	if p == nil || p.Kind != KindOrganization || p.OrgID == 0 {
		return 0, problem.New(problem.Forbidden, "error.forbidden")
	}
	return p.OrgID, nil
}

// OrgMembers reads the caller's organisation and its members.
func (s *Accounts) OrgMembers(ctx context.Context, p *Principal) (OrgMembers, error) {
	var d OrgMembers
	orgID, err := orgOf(p)
	if err != nil {
		return d, err
	}
	err = s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		if d.Org, err = OrganizationByID(ctx, tx, orgID); err != nil {
			return err
		}
		d.Members, err = Members(ctx, tx, orgID)
		return err
	})
	return d, err
}

// AddMember lets the person with the (valid) national code act for the caller's
// organisation, audited. An unknown person or one already a member is an error on
// the national_code field.
func (s *Accounts) AddMember(ctx context.Context, p *Principal, nationalCode, title string) error {
	orgID, err := orgOf(p)
	if err != nil {
		return err
	}
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		person, err := PersonByNationalCode(ctx, tx, nationalCode)
		if err != nil {
			return err
		}
		if err := AddMembership(ctx, tx, person.ID, orgID, title); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "org.member_added", "organization", fmt.Sprint(orgID), map[string]any{"person": person.ID})
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &problem.Error{Code: problem.Invalid, Key: "org.member.unknown", Field: "national_code", Err: err}
	case err != nil && (store.IsUniqueViolation(err) || strings.Contains(err.Error(), "duplicate key")):
		return &problem.Error{Code: problem.Invalid, Key: "org.member.exists", Field: "national_code", Err: err}
	}
	return err
}

// RemoveMember ends a person's right to act for the caller's organisation, audited.
func (s *Accounts) RemoveMember(ctx context.Context, p *Principal, personID int64) error {
	orgID, err := orgOf(p)
	if err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Tx) error {
		if err := RemoveMembership(ctx, tx, personID, orgID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "org.member_removed", "organization", fmt.Sprint(orgID), map[string]any{"person": personID})
	})
}
