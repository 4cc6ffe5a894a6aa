package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Account administration (security issue #11): creating staff, granting and revoking
// per-service roles, disabling accounts and resetting passwords and second factors.
// Every function here owns its transaction, checks that the actor may administer
// accounts, and records the change in the audit log in the same transaction. The
// `miz user` command and the admin pages only translate to and from these calls.

// Admin is who performs an account administration action: a signed-in principal
// (who must be an administrator), or the operator at the server's console, who
// already holds the database and is named in the audit log as "operator:<name>".
type Admin struct {
	Principal *Principal
	Operator  string
}

// ErrNotAdmin is wrapped in the Forbidden returned when the actor is no administrator.
var ErrNotAdmin = errors.New("identity: account administration needs an administrator")

// Account administration refusals, wrapped in the *problem.Error callers show.
var (
	ErrUnknownService = errors.New("identity: unknown service")
	ErrUnknownRole    = errors.New("identity: unknown role")
	ErrNotStaff       = errors.New("identity: roles are for staff accounts")
	ErrSelf           = errors.New("identity: an administrator may not disable their own account")
	ErrUsernameTaken  = errors.New("identity: username taken")
)

func (a Admin) actor() string {
	if a.Principal != nil {
		return audit.AccountActor(a.Principal.ID)
	}
	return "operator:" + a.Operator
}

func (a Admin) check() error {
	switch {
	case a.Principal != nil && a.Principal.Admin:
		return nil
	case a.Principal == nil && strings.TrimSpace(a.Operator) != "":
		return nil
	}
	return &problem.Error{Code: problem.Forbidden, Key: "accounts.forbidden", Err: ErrNotAdmin}
}

// Accounts administers accounts and serves a person's own account (selfservice.go).
// KnownService reports whether a service name exists in the catalog; grants on other
// names are refused. AllServices is always known. Policy is the login policy that
// password changes and second-factor enrolment check against.
type Accounts struct {
	DB           *store.DB
	KnownService func(ctx context.Context, name string) bool
	Policy       LoginPolicy
}

// GrantInfo is one role an account holds on a service.
type GrantInfo struct {
	Service string `json:"service"`
	Role    Role   `json:"role"`
}

// AccountInfo is what administrators see of an account.
type AccountInfo struct {
	Account
	Disabled  bool        `json:"disabled"`
	Locked    bool        `json:"locked"`
	Password  bool        `json:"has_password"`
	Grants    []GrantInfo `json:"grants"`
	LastLogin time.Time   `json:"last_login,omitzero"` // from the audit log; zero if never
	Created   time.Time   `json:"created_at"`
}

// Staff reports whether the account is a staff account, an administrator or holds roles.
func (a AccountInfo) Staff() bool { return a.Kind == KindStaff || a.Admin || len(a.Grants) > 0 }

const adminColumns = `a.id, a.username, a.kind, COALESCE(a.person_id, 0), COALESCE(a.org_id, 0), a.display_name, a.email,
	a.totp_enabled, a.is_admin, a.lang, a.disabled, a.locked_until, a.password_hash <> '', a.created_at,
	COALESCE((SELECT MAX(l.at) FROM audit_log l WHERE l.object_kind = 'account' AND l.object_id = CAST(a.id AS TEXT)
		AND l.action = 'auth.login'), 0)`

func scanAccountInfo(now time.Time, row interface{ Scan(...any) error }) (AccountInfo, error) {
	var a AccountInfo
	var kind string
	var locked, created, last int64
	err := row.Scan(&a.ID, &a.Username, &kind, &a.PersonID, &a.OrgID, &a.DisplayName, &a.Email, &a.TOTPEnabled, &a.Admin,
		&a.Lang, &a.Disabled, &locked, &a.Password, &created, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return a, store.ErrNotFound
	}
	a.Kind, a.Locked, a.Created = AccountKind(kind), locked > store.Millis(now), store.FromMillis(created)
	if last != 0 {
		a.LastLogin = store.FromMillis(last)
	}
	return a, err
}

// accountsLimit caps the rows of one list; a search narrows it.
const accountsLimit = 500

// List returns the accounts whose username, name or e-mail contains query (all of
// them when query is empty), staff first, with their grants and last login.
func (s *Accounts) List(ctx context.Context, by Admin, query string) ([]AccountInfo, error) {
	if err := by.check(); err != nil {
		return nil, err
	}
	q := strings.ToLower(persian.Normalize(query))
	var out []AccountInfo
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		sqlq := `SELECT ` + adminColumns + ` FROM accounts a`
		var args []any
		if q != "" {
			like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
			sqlq += ` WHERE lower(a.username) LIKE ? ESCAPE '\' OR lower(a.display_name) LIKE ? ESCAPE '\' OR lower(a.email) LIKE ? ESCAPE '\'`
			args = append(args, like, like, like)
		}
		sqlq += fmt.Sprintf(` ORDER BY CASE WHEN a.kind = 'staff' OR a.is_admin THEN 0 ELSE 1 END, a.username LIMIT %d`, accountsLimit)
		rows, err := tx.Query(ctx, sqlq, args...)
		if err != nil {
			return fmt.Errorf("identity: list accounts: %w", err)
		}
		for rows.Next() {
			a, err := scanAccountInfo(tx.Now, rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("identity: list accounts: %w", err)
			}
			out = append(out, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if out[i].Grants, err = grantsOf(ctx, tx, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Get returns one account by its ID.
func (s *Accounts) Get(ctx context.Context, by Admin, id int64) (AccountInfo, error) {
	if err := by.check(); err != nil {
		return AccountInfo{}, err
	}
	var out AccountInfo
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = accountInfo(ctx, tx, id)
		return err
	})
	return out, err
}

// Lookup finds an account's ID by its username (or the national code or national
// ID an applicant logs in with), for the console command.
func (s *Accounts) Lookup(ctx context.Context, by Admin, login string) (int64, error) {
	if err := by.check(); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		var err error
		id, err = accountIDByLogin(ctx, tx, login)
		return err
	})
	return id, err
}

func accountIDByLogin(ctx context.Context, tx *store.Tx, login string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ?`, strings.ToLower(persian.Normalize(login))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		row, ferr := findLogin(ctx, tx, login)
		if ferr == nil {
			return row.ID, nil
		}
		return 0, &problem.Error{Code: problem.NotFound, Key: "accounts.not_found", Args: []any{login}, Err: store.ErrNotFound}
	}
	if err != nil {
		return 0, fmt.Errorf("identity: find account %q: %w", login, err)
	}
	return id, nil
}

func accountInfo(ctx context.Context, tx *store.Tx, id int64) (AccountInfo, error) {
	a, err := scanAccountInfo(tx.Now, tx.QueryRow(ctx, `SELECT `+adminColumns+` FROM accounts a WHERE a.id = ?`, id))
	if errors.Is(err, store.ErrNotFound) {
		return a, &problem.Error{Code: problem.NotFound, Key: "accounts.not_found", Args: []any{id}, Err: err}
	}
	if err != nil {
		return a, fmt.Errorf("identity: account %d: %w", id, err)
	}
	a.Grants, err = grantsOf(ctx, tx, id)
	return a, err
}

func grantsOf(ctx context.Context, tx *store.Tx, id int64) ([]GrantInfo, error) {
	rows, err := tx.Query(ctx, `SELECT service, role FROM role_grants WHERE account_id = ? ORDER BY service, role`, id)
	if err != nil {
		return nil, fmt.Errorf("identity: grants of %d: %w", id, err)
	}
	defer rows.Close()
	var out []GrantInfo
	for rows.Next() {
		var g GrantInfo
		if err := rows.Scan(&g.Service, &g.Role); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// NewStaff describes a staff account to create. An empty Password makes a random
// one-time password, returned once and never stored in the clear.
type NewStaff struct {
	Username    string
	DisplayName string
	Email       string
	Admin       bool
	Password    string
}

// OneTimePasswordLength is the length of the passwords administrators hand out.
const OneTimePasswordLength = 16

// ValidateUsername checks a staff username: 3–64 lower-case Latin letters, digits,
// dots, dashes and underscores, starting with a letter (so it can never be taken
// for a national code or national ID at login).
func ValidateUsername(name string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(persian.ASCIIDigits(name)))
	ok := len(name) >= 3 && len(name) <= 64 && name[0] >= 'a' && name[0] <= 'z'
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			ok = false
		}
	}
	if !ok {
		return name, problem.Field("username", "accounts.username.invalid")
	}
	return name, nil
}

func checkPasswordLength(pw string) error {
	switch n := utf8.RuneCountInString(pw); {
	case n < PasswordMinLength:
		return problem.Field("password", "register.password.short", PasswordMinLength)
	case n > passwordMaxLength:
		return problem.Field("password", "register.password.long", passwordMaxLength)
	}
	return nil
}

// NewOneTimePassword returns a random password of OneTimePasswordLength characters
// from an alphabet without look-alikes (no 0/O, 1/l/I), easy to read out.
func NewOneTimePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	raw := RandomToken(OneTimePasswordLength * 2)
	out := make([]byte, 0, OneTimePasswordLength)
	for i := 0; len(out) < OneTimePasswordLength; i++ {
		if i >= len(raw) {
			raw, i = RandomToken(OneTimePasswordLength*2), 0
		}
		if strings.IndexByte(alphabet, raw[i]) >= 0 {
			out = append(out, raw[i])
		}
	}
	return string(out)
}

// CreateStaff creates a staff account without a second factor: the first login
// sends it to enrol one. It returns the account's ID and its password (the given
// one, or a fresh one-time password to hand over).
func (s *Accounts) CreateStaff(ctx context.Context, by Admin, n NewStaff) (int64, string, error) {
	if err := by.check(); err != nil {
		return 0, "", err
	}
	name, err := ValidateUsername(n.Username)
	if err != nil {
		return 0, "", err
	}
	n.DisplayName = persian.Normalize(n.DisplayName)
	if n.DisplayName == "" {
		n.DisplayName = name
	}
	if utf8.RuneCountInString(n.DisplayName) > nameMaxLength {
		return 0, "", problem.Field("display_name", "register.name.long", nameMaxLength)
	}
	n.Email = strings.TrimSpace(n.Email)
	if n.Email != "" && !validEmail(n.Email) {
		return 0, "", problem.Field("email", "register.email.invalid")
	}
	pw := n.Password
	if pw == "" {
		pw = NewOneTimePassword()
	} else if err := checkPasswordLength(pw); err != nil {
		return 0, "", err
	}
	hash, err := HashPassword(pw) // before the transaction: it is slow on purpose
	if err != nil {
		return 0, "", err
	}
	var id int64
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		var taken int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE lower(username) = ?`, name).Scan(&taken); err != nil {
			return fmt.Errorf("identity: create staff: %w", err)
		}
		if taken > 0 {
			return &problem.Error{Code: problem.Conflict, Key: "accounts.username.taken", Field: "username", Err: ErrUsernameTaken}
		}
		id, err = tx.InsertID(ctx, `INSERT INTO accounts (username, kind, display_name, email, password_hash, is_admin, created_at)
			VALUES (?, 'staff', ?, ?, ?, ?, ?)`, name, n.DisplayName, n.Email, hash, n.Admin, store.Millis(tx.Now))
		if store.IsUniqueViolation(err) {
			return &problem.Error{Code: problem.Conflict, Key: "accounts.username.taken", Field: "username", Err: ErrUsernameTaken}
		}
		if err != nil {
			return fmt.Errorf("identity: create staff %s: %w", name, err)
		}
		return audit.Record(ctx, tx, by.actor(), "account.created", "account", fmt.Sprint(id),
			map[string]any{"username": name, "kind": string(KindStaff), "admin": n.Admin, "password": passwordOrigin(n.Password)})
	})
	if err != nil {
		return 0, "", err
	}
	return id, pw, nil
}

func passwordOrigin(given string) string {
	if given == "" {
		return "one-time"
	}
	return "given"
}

// CheckGrant validates a service and role for a grant: the role must be a staff
// role, the service one in the catalog or AllServices.
func (s *Accounts) CheckGrant(ctx context.Context, service string, r Role) error {
	if !ValidRole(r) {
		return &problem.Error{Code: problem.Invalid, Key: "accounts.role.unknown", Args: []any{string(r)}, Field: "role", Err: ErrUnknownRole}
	}
	if service != AllServices && (service == "" || s.KnownService == nil || !s.KnownService(ctx, service)) {
		return &problem.Error{Code: problem.Invalid, Key: "accounts.service.unknown", Args: []any{service}, Field: "service", Err: ErrUnknownService}
	}
	return nil
}

// GrantRole gives a staff account a role on a service; granting one it already has
// changes nothing and records nothing.
func (s *Accounts) GrantRole(ctx context.Context, by Admin, accountID int64, service string, r Role) error {
	if err := by.check(); err != nil {
		return err
	}
	if err := s.CheckGrant(ctx, service, r); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Tx) error {
		a, err := accountInfo(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if a.Kind != KindStaff {
			return &problem.Error{Code: problem.Conflict, Key: "accounts.role.not_staff", Err: ErrNotStaff}
		}
		if slices.Contains(a.Grants, GrantInfo{Service: service, Role: r}) {
			return nil
		}
		if err := Grant(ctx, tx, accountID, service, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.actor(), "account.role_granted", "account", fmt.Sprint(accountID),
			map[string]any{"service": service, "role": string(r)})
	})
}

// RevokeRole takes a role on a service from an account and ends its sessions, so
// that no open session keeps the role.
func (s *Accounts) RevokeRole(ctx context.Context, by Admin, accountID int64, service string, r Role) error {
	if err := by.check(); err != nil {
		return err
	}
	if !ValidRole(r) {
		return &problem.Error{Code: problem.Invalid, Key: "accounts.role.unknown", Args: []any{string(r)}, Field: "role", Err: ErrUnknownRole}
	}
	return s.DB.Update(ctx, func(tx *store.Tx) error {
		if _, err := accountInfo(ctx, tx, accountID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM role_grants WHERE account_id = ? AND service = ? AND role = ?`, accountID, service, string(r))
		if err != nil {
			return fmt.Errorf("identity: revoke %s on %s: %w", r, service, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &problem.Error{Code: problem.NotFound, Key: "accounts.role.not_held", Err: store.ErrNotFound}
		}
		ended, err := endSessions(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.actor(), "account.role_revoked", "account", fmt.Sprint(accountID),
			map[string]any{"service": service, "role": string(r), "sessions_ended": ended})
	})
}

// endSessions deletes every session, API token and personal access token of an
// account, in the caller's transaction.
func endSessions(ctx context.Context, tx *store.Tx, accountID int64) (int64, error) {
	n, err := RevokeSessions(ctx, tx, accountID, "")
	return int64(n), err
}

// SetDisabled disables an account (ending all its sessions and tokens in the same
// transaction) or enables it again (also lifting a lockout).
func (s *Accounts) SetDisabled(ctx context.Context, by Admin, accountID int64, disabled bool) error {
	if err := by.check(); err != nil {
		return err
	}
	if disabled && by.Principal != nil && by.Principal.ID == accountID {
		return &problem.Error{Code: problem.Conflict, Key: "accounts.disable.self", Err: ErrSelf}
	}
	return s.DB.Update(ctx, func(tx *store.Tx) error {
		a, err := accountInfo(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if disabled {
			if _, err := tx.Exec(ctx, `UPDATE accounts SET disabled = TRUE WHERE id = ?`, accountID); err != nil {
				return fmt.Errorf("identity: disable %d: %w", accountID, err)
			}
			ended, err := endSessions(ctx, tx, accountID)
			if err != nil {
				return err
			}
			return audit.Record(ctx, tx, by.actor(), "account.disabled", "account", fmt.Sprint(accountID),
				map[string]any{"username": a.Username, "was_disabled": a.Disabled, "sessions_ended": ended})
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET disabled = FALSE, failed_logins = 0, locked_until = 0 WHERE id = ?`, accountID); err != nil {
			return fmt.Errorf("identity: enable %d: %w", accountID, err)
		}
		if err := forgetFailures(ctx, tx, accountID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.actor(), "account.enabled", "account", fmt.Sprint(accountID),
			map[string]any{"username": a.Username, "was_disabled": a.Disabled})
	})
}

// ResetTOTP clears an account's second factor and ends its sessions: a staff
// account's next login enrols a new one.
func (s *Accounts) ResetTOTP(ctx context.Context, by Admin, accountID int64) error {
	if err := by.check(); err != nil {
		return err
	}
	return s.DB.Update(ctx, func(tx *store.Tx) error {
		a, err := accountInfo(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = '', totp_enabled = FALSE, totp_last_step = 0 WHERE id = ?`, accountID); err != nil {
			return fmt.Errorf("identity: reset totp of %d: %w", accountID, err)
		}
		ended, err := endSessions(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.actor(), "account.totp_reset", "account", fmt.Sprint(accountID),
			map[string]any{"username": a.Username, "was_enrolled": a.TOTPEnabled, "sessions_ended": ended})
	})
}

// ResetPassword sets a new password on an account (a fresh one-time password when
// password is empty), lifts a lockout and ends all its sessions. It returns the
// password to hand over.
func (s *Accounts) ResetPassword(ctx context.Context, by Admin, accountID int64, password string) (string, error) {
	if err := by.check(); err != nil {
		return "", err
	}
	pw := password
	if pw == "" {
		pw = NewOneTimePassword()
	} else if err := checkPasswordLength(pw); err != nil {
		return "", err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return "", err
	}
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		a, err := accountInfo(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, hash, accountID); err != nil {
			return fmt.Errorf("identity: reset password of %d: %w", accountID, err)
		}
		if err := forgetFailures(ctx, tx, accountID); err != nil {
			return err
		}
		ended, err := endSessions(ctx, tx, accountID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.actor(), "account.password_reset", "account", fmt.Sprint(accountID),
			map[string]any{"username": a.Username, "password": passwordOrigin(password), "sessions_ended": ended})
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}
