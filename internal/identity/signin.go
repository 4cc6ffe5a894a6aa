package identity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Signing in and out (issue 12): the web and the API call these methods and only
// translate HTTP, so both adapters start, rotate, end and audit sessions the same
// way. Each method owns its transaction and its audit entry.

// PendingTTL is how long a half-finished login (password right, second factor to
// come) may wait.
const PendingTTL = 10 * time.Minute

// Sessions signs people in and out: password logins (with the second factor),
// single sign-on, logout and the acting organisation of a session.
type Sessions struct {
	DB     *store.DB
	Policy LoginPolicy
	// Forget drops a token from the HTTP layer's session cache once the change that
	// ends or alters it has committed; nil forgets nothing.
	Forget func(token string)
}

// Start says which session a successful sign-in opens.
type Start struct {
	Kind SessionKind   // SessionWeb or SessionAPI
	TTL  time.Duration // the session's lifetime
	// Replace is the caller's present session token, ended in the same transaction
	// (no session fixation); "" when there is none.
	Replace string
}

// Started is a session a sign-in opened: its secret token and what is stored.
type Started struct {
	Token   string
	Session Session
	TTL     time.Duration // the lifetime it was opened with (for the cookie)
}

// SignIn checks credentials (and, for one-step logins, the second factor) and opens
// the session st asks for. When the password was right but a second factor must
// follow (ErrTOTPRequired, ErrTOTPNotEnrolled), it opens a pending session that signs
// nobody in and returns it together with that error.
func (s *Sessions) SignIn(ctx context.Context, c Credentials, st Start) (Started, error) {
	acct, err := Login(ctx, s.DB, s.Policy, c)
	switch {
	case err == nil:
		return s.start(ctx, acct.ID, st)
	case errors.Is(err, ErrTOTPRequired), errors.Is(err, ErrTOTPNotEnrolled):
		started, serr := s.start(ctx, acct.ID, Start{Kind: SessionPending, TTL: PendingTTL, Replace: st.Replace})
		if serr != nil {
			return Started{}, serr
		}
		return started, err
	}
	return Started{}, err
}

// pendingAccount is the account of a pending session token, or ErrTOTPInvalid.
func (s *Sessions) pendingAccount(ctx context.Context, token string) (int64, error) {
	var sess Session
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		sess, err = LookupSession(ctx, tx, token)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || err == nil && sess.Kind != SessionPending {
		return 0, ErrTOTPInvalid
	}
	return sess.AccountID, err
}

// SecondFactor finishes a two-step login: the pending session's account must give a
// valid one-time code (failures count towards the lockout, shared with password
// logins); then the pending session is replaced by the session st asks for.
func (s *Sessions) SecondFactor(ctx context.Context, pendingToken, code, clientIP string, st Start) (Started, error) {
	id, err := s.pendingAccount(ctx, pendingToken)
	if err != nil {
		return Started{}, err
	}
	if err := VerifySecondFactor(ctx, s.DB, s.Policy, id, code, clientIP); err != nil {
		return Started{}, err
	}
	st.Replace = pendingToken
	return s.start(ctx, id, st)
}

// Promote replaces a pending session whose account has just enrolled its second
// factor (Accounts.EnrollTOTP) by the full session st asks for.
func (s *Sessions) Promote(ctx context.Context, pendingToken string, st Start) (Started, error) {
	id, err := s.pendingAccount(ctx, pendingToken)
	if err != nil {
		return Started{}, err
	}
	has, err := HasTOTP(ctx, s.DB, id)
	if err != nil {
		return Started{}, err
	}
	if !has { // Security #1: a pending login becomes a session only with a second factor
		return Started{}, ErrTOTPNotEnrolled
	}
	st.Replace = pendingToken
	return s.start(ctx, id, st)
}

// BeginOIDC starts a single sign-on login (see OIDC.Begin).
func (s *Sessions) BeginOIDC(ctx context.Context, o *OIDC, redirectURL, next string) (OIDCStart, error) {
	return o.Begin(ctx, s.DB, redirectURL, next)
}

// FinishOIDC completes a single sign-on login (see OIDC.Finish) and opens the session
// st asks for, or a pending one with ErrTOTPRequired or ErrTOTPNotEnrolled as SignIn.
func (s *Sessions) FinishOIDC(ctx context.Context, o *OIDC, cb OIDCCallback, st Start) (Started, OIDCResult, error) {
	res, err := o.Finish(ctx, s.DB, cb)
	switch {
	case err == nil:
		started, err := s.start(ctx, res.Account.ID, st)
		return started, res, err
	case errors.Is(err, ErrTOTPRequired), errors.Is(err, ErrTOTPNotEnrolled):
		started, serr := s.start(ctx, res.Account.ID, Start{Kind: SessionPending, TTL: PendingTTL, Replace: st.Replace})
		if serr != nil {
			return Started{}, res, serr
		}
		return started, res, err
	}
	return Started{}, res, err
}

// start opens a session for accountID, ending st.Replace in the same transaction.
func (s *Sessions) start(ctx context.Context, accountID int64, st Start) (Started, error) {
	var out Started
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		if st.Replace != "" {
			if err := DeleteSession(ctx, tx, st.Replace); err != nil {
				return err
			}
			s.forgetAfter(tx, st.Replace)
		}
		var err error
		out.Token, out.Session, err = CreateSession(ctx, tx, NewSession{AccountID: accountID, Kind: st.Kind, TTL: st.TTL})
		out.TTL = st.TTL
		return err
	})
	if err != nil {
		return Started{}, fmt.Errorf("identity: start session: %w", err)
	}
	return out, nil
}

func (s *Sessions) forgetAfter(tx *store.Tx, token string) {
	if s.Forget != nil {
		tx.AfterCommit(func() { s.Forget(token) })
	}
}

// SignOut ends the session or token the caller signed in with, audited as
// auth.logout when it belonged to someone: the same for the web and the API.
func (s *Sessions) SignOut(ctx context.Context, p *Principal, token string) error {
	if token == "" {
		return nil
	}
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		if p != nil {
			if err := audit.Record(ctx, tx, audit.AccountActor(p.ID), "auth.logout", "account", fmt.Sprint(p.ID), nil); err != nil {
				return err
			}
		}
		s.forgetAfter(tx, token)
		return DeleteSession(ctx, tx, token)
	})
	if err != nil {
		return fmt.Errorf("identity: sign out: %w", err)
	}
	return nil
}

// SetActingOrg lets a person act for one of their organisations (org) or for
// themself (0) in the session token, audited.
func (s *Sessions) SetActingOrg(ctx context.Context, p *Principal, token string, org int64) error {
	if p == nil || org != 0 && !slices.Contains(p.MemberOf, org) {
		return problem.New(problem.Forbidden, "error.forbidden")
	}
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		if err := SetActingOrg(ctx, tx, token, org); err != nil {
			return err
		}
		s.forgetAfter(tx, token)
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "auth.acting_org", "account", fmt.Sprint(p.ID), map[string]any{"org": org})
	})
	if err != nil {
		return fmt.Errorf("identity: acting organisation: %w", err)
	}
	return nil
}

// TokenScopes are the scopes a personal access token may carry.
var TokenScopes = []string{"all", "cases:read", "cases:write", "registry:write", "queue:read"}

// NewToken asks for a personal access token.
type NewToken struct {
	Name   string
	Scopes []string
	Days   int // lifetime; outside 1..365 means 90
}

// CreateToken issues a personal access token for the caller, audited. The caller's
// own session kind is given: a token cannot mint tokens.
func (s *Sessions) CreateToken(ctx context.Context, p *Principal, callerKind SessionKind, t NewToken) (Started, error) {
	t.Name = strings.TrimSpace(t.Name)
	switch {
	case p == nil:
		return Started{}, problem.New(problem.Unauthorized, "error.unauthorized")
	case t.Name == "":
		return Started{}, problem.Field("name", "error.required")
	case len(t.Scopes) == 0:
		return Started{}, problem.Field("scopes", "error.required")
	}
	for _, sc := range t.Scopes {
		if !slices.Contains(TokenScopes, sc) {
			return Started{}, &problem.Error{Code: problem.Invalid, Key: "token.scopes.invalid", Args: []any{sc}, Field: "scopes"}
		}
	}
	if callerKind == SessionPAT {
		return Started{}, problem.New(problem.Forbidden, "error.forbidden")
	}
	if t.Days <= 0 || t.Days > 365 {
		t.Days = 90
	}
	var out Started
	err := s.DB.Update(ctx, func(tx *store.Tx) error {
		var err error
		out.Token, out.Session, err = CreateSession(ctx, tx, NewSession{AccountID: p.ID, Kind: SessionPAT,
			TTL: time.Duration(t.Days) * 24 * time.Hour, Scopes: t.Scopes, Name: t.Name})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "auth.token_created", "account", fmt.Sprint(p.ID),
			map[string]any{"name": t.Name, "scopes": t.Scopes})
	})
	if err != nil {
		return Started{}, fmt.Errorf("identity: create token: %w", err)
	}
	return out, nil
}
