package identity

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Limits on self-registration. Registrations per client address are throttled
// because each one sends an SMS to a number the visitor chose.
const (
	PasswordMinLength        = 10
	passwordMaxLength        = 256
	nameMaxLength            = 120
	registrationsPerAddress  = 20
	registrationAddressReset = time.Hour
)

// ErrDuplicateNationalCode marks a registration that lost a race for its national
// code; Register answers it like any other (Security #5).
var ErrDuplicateNationalCode = errors.New("identity: national code already registered")

// Registration is what an applicant types to create their own account.
type Registration struct {
	NationalCode string
	NameFa       string
	NameEn       string
	Mobile       string
	Email        string
	Password     string
	ClientIP     string
}

// Registered is what a registration answers: the same for a new national code and
// for one already registered (Security #5), so only the normalised input is shown.
// AccountID and PersonID are set only when an account was created, for tests and
// logs; handlers must not answer differently on them.
type Registered struct {
	AccountID int64  `json:"-"`
	PersonID  int64  `json:"-"`
	Username  string `json:"username"`
	Mobile    string `json:"mobile"`
}

// Validate checks a registration and returns it normalised: Persian text through
// persian.Normalize, the national code and mobile number in canonical form. The
// error is a *problem.Error naming the field at fault.
func (r Registration) Validate() (Registration, error) {
	code, err := persian.ValidateNationalCode(r.NationalCode)
	if err != nil {
		return r, invalidField(err)
	}
	r.NationalCode = code
	r.NameFa = persian.Normalize(r.NameFa)
	switch n := utf8.RuneCountInString(r.NameFa); {
	case n == 0:
		return r, problem.Field("name_fa", "error.required")
	case n > nameMaxLength:
		return r, problem.Field("name_fa", "register.name.long", nameMaxLength)
	}
	r.NameEn = persian.Normalize(r.NameEn)
	if utf8.RuneCountInString(r.NameEn) > nameMaxLength {
		return r, problem.Field("name_en", "register.name.long", nameMaxLength)
	}
	if r.Mobile, err = persian.ValidateMobile(r.Mobile); err != nil {
		return r, invalidField(err)
	}
	r.Email = strings.TrimSpace(persian.ASCIIDigits(r.Email))
	if r.Email != "" {
		a, err := mail.ParseAddress(r.Email)
		if err != nil || a.Address != r.Email || a.Name != "" {
			return r, problem.Field("email", "register.email.invalid")
		}
	}
	if err := ValidatePassword("password", r.Password); err != nil {
		return r, err
	}
	return r, nil
}

// ValidatePassword applies the password policy (length in characters) to a new
// password typed in field; registration and password change share it.
func ValidatePassword(field, password string) error {
	switch n := utf8.RuneCountInString(password); {
	case n == 0:
		return problem.Field(field, "error.required")
	case n < PasswordMinLength:
		return problem.Field(field, "register.password.short", PasswordMinLength)
	case n > passwordMaxLength:
		return problem.Field(field, "register.password.long", passwordMaxLength)
	}
	return nil
}

// Register creates a natural person and their account (username: the national code),
// with the mobile number unverified, and sends a one-time code to it by SMS, all in
// one transaction: either everything exists and the SMS is queued, or nothing is. A
// national code that already has an account creates and sends nothing, and answers
// the same (Security #5).
func Register(ctx context.Context, db *store.DB, in Registration) (Registered, error) {
	r, err := in.Validate()
	if err != nil {
		return Registered{}, err
	}
	hash, err := HashPassword(r.Password) // before the transaction: it is slow on purpose
	if err != nil {
		return Registered{}, err
	}
	var out Registered
	err = db.Update(ctx, func(tx *store.Tx) error {
		key := "register:" + r.ClientIP
		var recent int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM login_attempts WHERE key = ? AND at > ?`,
			key, store.Millis(tx.Now.Add(-registrationAddressReset))).Scan(&recent); err != nil {
			return fmt.Errorf("identity: registration rate: %w", err)
		}
		if recent >= registrationsPerAddress {
			return &problem.Error{Code: problem.RateLimited, Key: "error.rate_limited", Err: &RateLimitError{RetryAfter: registrationAddressReset}}
		}
		var taken int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE national_code = ?`, r.NationalCode).Scan(&taken); err != nil {
			return fmt.Errorf("identity: register: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempts (key, at) VALUES (?, ?)`, key, store.Millis(tx.Now)); err != nil {
			return err
		}
		if taken > 0 {
			// Security #5: answered like a new registration (the throttle above counts
			// it), so the form does not confirm that a national code has an account.
			out = Registered{Username: r.NationalCode, Mobile: r.Mobile}
			return audit.Record(ctx, tx, "anonymous", "identity.register_duplicate", "person", "",
				map[string]any{"ip": r.ClientIP})
		}
		pid, err := CreatePerson(ctx, tx, Person{NationalCode: r.NationalCode, NameFa: r.NameFa, NameEn: r.NameEn,
			Mobile: r.Mobile, Email: r.Email})
		if err != nil {
			return duplicate(err)
		}
		aid, err := tx.InsertID(ctx, `INSERT INTO accounts (username, kind, person_id, display_name, email, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.NationalCode, string(KindPerson), pid, r.NameFa, r.Email, hash, store.Millis(tx.Now))
		if err != nil {
			return duplicate(fmt.Errorf("identity: register account: %w", err))
		}
		if err := issueMobileCode(ctx, tx, pid, r.Mobile); err != nil {
			return err
		}
		out = Registered{AccountID: aid, PersonID: pid, Username: r.NationalCode, Mobile: r.Mobile}
		return audit.Record(ctx, tx, audit.AccountActor(aid), "identity.registered", "account", fmt.Sprint(aid),
			map[string]any{"person": pid, "mobile": r.Mobile, "ip": r.ClientIP})
	})
	if errors.Is(err, ErrDuplicateNationalCode) { // two registrations of one code at once
		return Registered{Username: r.NationalCode, Mobile: r.Mobile}, nil
	}
	return out, err
}

// duplicate turns a unique-constraint race (two registrations of one code at once)
// into the same Conflict the up-front check gives.
func duplicate(err error) error {
	if err != nil && !store.IsUniqueViolation(err) {
		return err
	}
	return &problem.Error{Code: problem.Conflict, Key: "register.duplicate", Field: "national_code", Err: ErrDuplicateNationalCode}
}

// invalidField turns a validator's *persian.InvalidError into a field error whose
// message key is identity.invalid.<field>.<reason>.
func invalidField(err error) error {
	var ie *persian.InvalidError
	if !errors.As(err, &ie) {
		return err
	}
	return &problem.Error{Code: problem.Invalid, Key: InvalidKey(ie), Field: string(ie.Field), Err: err}
}

// InvalidKey is the message key for a rejected identifier; the texts say what
// ie.MessageFa and ie.MessageEn say (a test keeps them equal).
func InvalidKey(ie *persian.InvalidError) string {
	return "identity.invalid." + string(ie.Field) + "." + string(ie.Reason)
}
