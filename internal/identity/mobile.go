package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// The rules for the one-time codes that verify a mobile number: a code lives ten
// minutes, allows five guesses, and a new one may be sent once a minute. Only the
// newest code of a person counts; sending a new one retires the old.
const (
	MobileCodeTTL         = 10 * time.Minute
	MobileCodeMaxAttempts = 5
	MobileCodeResendAfter = time.Minute
	mobileCodePurpose     = "mobile"
	mobileCodeDigits      = 6
)

// Mobile verification outcomes, wrapped in the *problem.Error that callers show.
var (
	ErrCodeWrong       = errors.New("identity: one-time code wrong")
	ErrCodeExpired     = errors.New("identity: one-time code expired")
	ErrCodeUsed        = errors.New("identity: one-time code already used")
	ErrCodeNone        = errors.New("identity: no one-time code pending")
	ErrCodeAttempts    = errors.New("identity: one-time code attempts exhausted")
	ErrCodeThrottled   = errors.New("identity: one-time code sent too recently")
	ErrAlreadyVerified = errors.New("identity: mobile already verified")
	ErrNoPerson        = errors.New("identity: account has no person")
)

// MobileStatus is a person's mobile number and whether it is verified.
type MobileStatus struct {
	Mobile   string    `json:"mobile"`
	Verified bool      `json:"verified"`
	CodeSent time.Time `json:"code_sent_at,omitzero"` // when the pending code was sent, if any
}

// MobileOf returns the mobile status of the person behind an account.
func MobileOf(ctx context.Context, tx *store.Tx, accountID int64) (MobileStatus, error) {
	p, err := personOfAccount(ctx, tx, accountID)
	if err != nil {
		return MobileStatus{}, err
	}
	st := MobileStatus{Mobile: p.Mobile, Verified: p.MobileVerified}
	if !st.Verified {
		var created, used int64
		err := tx.QueryRow(ctx, `SELECT created_at, used_at FROM otp_codes WHERE person_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1`,
			p.ID, mobileCodePurpose).Scan(&created, &used)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return st, fmt.Errorf("identity: mobile code: %w", err)
		}
		if used == 0 {
			st.CodeSent = store.FromMillis(created)
		}
	}
	return st, nil
}

// ResendMobileCode sends a fresh code to the account's unverified mobile number, at
// most once a minute.
func ResendMobileCode(ctx context.Context, db *store.DB, accountID int64) error {
	return db.Update(ctx, func(tx *store.Tx) error {
		p, err := personOfAccount(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if p.MobileVerified {
			return &problem.Error{Code: problem.Conflict, Key: "mobile.already_verified", Err: ErrAlreadyVerified}
		}
		if err := issueMobileCode(ctx, tx, p.ID, p.Mobile); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "identity.mobile_code_sent", "person", fmt.Sprint(p.ID), map[string]any{"mobile": p.Mobile})
	})
}

// ChangeMobile replaces the account's mobile number: the new number is unverified
// until the code just sent to it is entered. It returns the number in canonical form.
func ChangeMobile(ctx context.Context, db *store.DB, accountID int64, mobile string) (string, error) {
	canon, err := persian.ValidateMobile(mobile)
	if err != nil {
		return "", invalidField(err)
	}
	err = db.Update(ctx, func(tx *store.Tx) error {
		p, err := personOfAccount(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if p.Mobile == canon && p.MobileVerified {
			return &problem.Error{Code: problem.Conflict, Key: "mobile.already_verified", Field: "mobile", Err: ErrAlreadyVerified}
		}
		if _, err := tx.Exec(ctx, `UPDATE people SET mobile = ?, mobile_verified = FALSE WHERE id = ?`, canon, p.ID); err != nil {
			return fmt.Errorf("identity: change mobile: %w", err)
		}
		if err := issueMobileCode(ctx, tx, p.ID, canon); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "identity.mobile_changed", "person", fmt.Sprint(p.ID),
			map[string]any{"before": p.Mobile, "after": canon, "was_verified": p.MobileVerified})
	})
	return canon, err
}

// VerifyMobile checks a code typed by the account's person. Every guess counts
// towards the limit, also the wrong ones, so a failed attempt still commits.
func VerifyMobile(ctx context.Context, db *store.DB, accountID int64, code string) error {
	code = strings.TrimSpace(persian.ASCIIDigits(code))
	if code == "" {
		return problem.Field("code", "error.required")
	}
	var result error
	err := db.Update(ctx, func(tx *store.Tx) error {
		p, err := personOfAccount(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if p.MobileVerified {
			result = &problem.Error{Code: problem.Conflict, Key: "mobile.already_verified", Field: "code", Err: ErrAlreadyVerified}
			return nil
		}
		var id, expires, used int64
		var attempts int
		var target, hash string
		err = tx.QueryRow(ctx, `SELECT id, target, code_hash, attempts, expires_at, used_at FROM otp_codes
			WHERE person_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1`, p.ID, mobileCodePurpose).
			Scan(&id, &target, &hash, &attempts, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && target != p.Mobile):
			result = codeProblem(problem.Invalid, "mobile.code.none", ErrCodeNone)
			return nil
		case err != nil:
			return fmt.Errorf("identity: mobile code: %w", err)
		case used != 0:
			result = codeProblem(problem.Invalid, "mobile.code.used", ErrCodeUsed)
			return nil
		case expires <= store.Millis(tx.Now):
			result = codeProblem(problem.Invalid, "mobile.code.expired", ErrCodeExpired)
			return nil
		case attempts >= MobileCodeMaxAttempts:
			result = codeProblem(problem.RateLimited, "mobile.code.attempts", ErrCodeAttempts)
			return nil
		}
		attempts++
		if _, err := tx.Exec(ctx, `UPDATE otp_codes SET attempts = ? WHERE id = ?`, attempts, id); err != nil {
			return fmt.Errorf("identity: count code attempt: %w", err)
		}
		if !hmac.Equal([]byte(hash), []byte(hashCode(hash, target, code))) {
			result = &problem.Error{Code: problem.Invalid, Key: "mobile.code.wrong", Args: []any{MobileCodeMaxAttempts - attempts},
				Field: "code", Err: ErrCodeWrong}
			return audit.Record(ctx, tx, audit.AccountActor(accountID), "identity.mobile_code_failed", "person", fmt.Sprint(p.ID),
				map[string]any{"attempts": attempts})
		}
		if _, err := tx.Exec(ctx, `UPDATE otp_codes SET used_at = ? WHERE id = ?`, store.Millis(tx.Now), id); err != nil {
			return fmt.Errorf("identity: use code: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE people SET mobile_verified = TRUE WHERE id = ?`, p.ID); err != nil {
			return fmt.Errorf("identity: verify mobile: %w", err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "identity.mobile_verified", "person", fmt.Sprint(p.ID),
			map[string]any{"mobile": p.Mobile})
	})
	if err != nil {
		return err
	}
	return result
}

// issueMobileCode stores a new code for a person's number and queues its SMS in the
// caller's transaction, so the text goes out exactly when the change commits.
func issueMobileCode(ctx context.Context, tx *store.Tx, personID int64, mobile string) error {
	var last int64
	err := tx.QueryRow(ctx, `SELECT created_at FROM otp_codes WHERE person_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1`,
		personID, mobileCodePurpose).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("identity: last mobile code: %w", err)
	}
	if wait := store.FromMillis(last).Add(MobileCodeResendAfter).Sub(tx.Now); last != 0 && wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return &problem.Error{Code: problem.RateLimited, Key: "mobile.code.throttled", Args: []any{secs},
			Err: errors.Join(ErrCodeThrottled, &RateLimitError{RetryAfter: wait})} // Security #4: Retry-After
	}
	code, err := newNumericCode(mobileCodeDigits)
	if err != nil {
		return err
	}
	salt := RandomToken(12)
	_, err = tx.Exec(ctx, `INSERT INTO otp_codes (person_id, purpose, target, code_hash, attempts, expires_at, used_at, created_at)
		VALUES (?, ?, ?, ?, 0, ?, 0, ?)`, personID, mobileCodePurpose, mobile, hashCode(salt+"$", mobile, code),
		store.Millis(tx.Now.Add(MobileCodeTTL)), store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("identity: store mobile code: %w", err)
	}
	msg := notify.SMS(mobile, MobileCodeText(code))
	msg.RefKind, msg.RefID = "person", fmt.Sprint(personID)
	return notify.Queue(ctx, tx, msg)
}

// MobileCodeText is the SMS that carries a code. The code keeps ASCII digits so that
// phones offer to fill it in; the rest is Persian.
func MobileCodeText(code string) string {
	return "میز خدمت سازمان فناوری اطلاعات\nکد تأیید شماره همراه: " + code +
		"\nاین کد تا ۱۰ دقیقه معتبر است؛ آن را به کسی ندهید."
}

// hashCode returns "salt$hex" where hex is an HMAC of the target and code keyed by a
// random salt; stored beside the salt, it lets a code be checked but not read back.
// saltOrStored may be a stored hash, whose salt is reused.
func hashCode(saltOrStored, target, code string) string {
	salt, _, _ := strings.Cut(saltOrStored, "$")
	mac := hmac.New(sha256.New, []byte(salt))
	mac.Write([]byte(mobileCodePurpose + "\x00" + target + "\x00" + code))
	return salt + "$" + hex.EncodeToString(mac.Sum(nil))
}

func newNumericCode(digits int) (string, error) {
	max := big.NewInt(1)
	for range digits {
		max.Mul(max, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", fmt.Errorf("identity: one-time code: %w", err)
	}
	return fmt.Sprintf("%0*d", digits, n), nil
}

func personOfAccount(ctx context.Context, tx *store.Tx, accountID int64) (Person, error) {
	var personID sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT person_id FROM accounts WHERE id = ?`, accountID).Scan(&personID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !personID.Valid) {
		return Person{}, &problem.Error{Code: problem.NotFound, Key: "mobile.no_person", Err: ErrNoPerson}
	}
	if err != nil {
		return Person{}, fmt.Errorf("identity: account %d: %w", accountID, err)
	}
	return PersonByID(ctx, tx, personID.Int64)
}

func codeProblem(code problem.Code, key string, cause error) error {
	return &problem.Error{Code: code, Key: key, Field: "code", Err: cause}
}
