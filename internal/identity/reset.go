package identity

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Password reset for applicants (security issue #11): a one-time code by SMS to a
// verified mobile number, or a single-use link by e-mail. The answer to a request is
// the same whether or not the account exists; requests are throttled per typed login
// and per client address; a successful reset ends every session of the account and
// tells its owner. Staff accounts are never reset this way: an administrator does it.
const (
	ResetCodeTTL     = 10 * time.Minute
	ResetLinkTTL     = 30 * time.Minute
	ResetWindow      = time.Hour
	ResetsPerLogin   = 3  // requests per typed login per ResetWindow
	ResetsPerAddress = 10 // requests per client address per ResetWindow
	ResetTriesPerIP  = 30 // completion attempts per client address per ResetWindow
	resetCodePurpose = "password_reset"
)

// ResetChannel is how a reset secret travels.
type ResetChannel string

// Reset channels.
const (
	ResetBySMS   ResetChannel = "sms"
	ResetByEmail ResetChannel = "email"
)

// Reset refusals, wrapped in the *problem.Error callers show.
var (
	ErrResetThrottled = errors.New("identity: too many password reset requests")
	ErrResetInvalid   = errors.New("identity: password reset code or link invalid")
)

// ThrottledError says how long a throttled caller should wait (HTTP Retry-After).
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("identity: throttled, retry after %s", e.RetryAfter)
}

// Unwrap makes a ThrottledError match ErrResetThrottled.
func (e *ThrottledError) Unwrap() error { return ErrResetThrottled }

// RetryAfter returns the wait carried by a throttling error, or 0.
func RetryAfter(err error) time.Duration {
	var te *ThrottledError
	if errors.As(err, &te) {
		return te.RetryAfter
	}
	return 0
}

// ResetRequest asks for a reset secret. LinkBase is the absolute URL the e-mailed
// token is appended to, e.g. "https://desk.ito.gov.ir/password/reset?token=".
type ResetRequest struct {
	Login    string
	Channel  ResetChannel
	ClientIP string
	LinkBase string
}

// resetKey normalises what was typed, so that one account is throttled as one
// whatever digits or case it was typed in, and an unknown one exactly the same way.
func resetKey(login string) string {
	if id := persian.NormalizeID(login); isDigits(id) {
		return id
	}
	return strings.ToLower(persian.Normalize(login))
}

// throttle counts key's entries in the window and records one more; it refuses with
// the time until the oldest counted entry leaves the window.
func throttle(ctx context.Context, tx *store.Tx, key string, limit int) error {
	since := store.Millis(tx.Now.Add(-ResetWindow))
	var n int
	var oldest sql.NullInt64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*), MIN(at) FROM login_attempts WHERE key = ? AND at > ?`, key, since).Scan(&n, &oldest); err != nil {
		return fmt.Errorf("identity: reset throttle: %w", err)
	}
	if n >= limit {
		wait := store.FromMillis(oldest.Int64).Add(ResetWindow).Sub(tx.Now)
		wait = max(time.Second, wait.Truncate(time.Second)+time.Second)
		return &problem.Error{Code: problem.RateLimited, Key: "reset.throttled", Args: []any{int((wait + time.Minute - 1) / time.Minute)},
			Err: &ThrottledError{RetryAfter: wait}}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO login_attempts (key, at) VALUES (?, ?)`, key, store.Millis(tx.Now)); err != nil {
		return fmt.Errorf("identity: reset throttle: %w", err)
	}
	return nil
}

// RequestPasswordReset sends a reset secret through the chosen channel when the
// login names an applicant account that can receive it. It answers the same way
// whether or not it sent anything; only the audit log records which.
func RequestPasswordReset(ctx context.Context, db *store.DB, req ResetRequest) error {
	if strings.TrimSpace(req.Login) == "" {
		return problem.Field("login", "error.required")
	}
	if req.Channel != ResetBySMS && req.Channel != ResetByEmail {
		return problem.Field("channel", "reset.channel.invalid")
	}
	key := resetKey(req.Login)
	// The throttle's records must persist even when the request is refused, and a
	// refusal must change nothing else: it runs first and commits on its own.
	var refused error
	err := db.Update(ctx, func(tx *store.Tx) error {
		if refused = throttle(ctx, tx, "reset-ip:"+req.ClientIP, ResetsPerAddress); refused != nil {
			return nil
		}
		refused = throttle(ctx, tx, "reset-login:"+key, ResetsPerLogin)
		return nil
	})
	if err == nil && refused != nil && problem.As(refused).Code != problem.RateLimited {
		err = refused
	}
	if err != nil {
		return err
	}
	if refused != nil {
		return refused
	}
	return db.Update(ctx, func(tx *store.Tx) error {
		row, err := findLogin(ctx, tx, req.Login)
		if errors.Is(err, store.ErrNotFound) {
			return audit.Record(ctx, tx, "anonymous", "auth.password_reset_requested", "account", "",
				map[string]any{"channel": string(req.Channel), "ip": req.ClientIP, "sent": false, "reason": "unknown"})
		}
		if err != nil {
			return err
		}
		// One account typed in different ways (username, national code) is still
		// capped: quietly, since a refusal here would tell that the account exists.
		reason := ""
		if err := throttle(ctx, tx, fmt.Sprintf("reset-account:%d", row.ID), ResetsPerLogin); problem.As(err).Code == problem.RateLimited {
			reason = "throttled"
		} else if err != nil {
			return err
		} else if reason, err = sendResetSecret(ctx, tx, row, req); err != nil {
			return err
		}
		return audit.Record(ctx, tx, "anonymous", "auth.password_reset_requested", "account", fmt.Sprint(row.ID),
			map[string]any{"channel": string(req.Channel), "ip": req.ClientIP, "sent": reason == "", "reason": reason})
	})
}

// sendResetSecret queues the code or link for an account, or returns why not.
func sendResetSecret(ctx context.Context, tx *store.Tx, row loginRow, req ResetRequest) (string, error) {
	switch {
	case row.disabled:
		return "disabled", nil
	case row.Kind == KindStaff || row.Admin || row.hasGrants:
		return "staff", nil
	}
	if req.Channel == ResetBySMS {
		if row.PersonID == 0 {
			return "no_mobile", nil
		}
		p, err := PersonByID(ctx, tx, row.PersonID)
		if err != nil {
			return "", err
		}
		if !p.MobileVerified || p.Mobile == "" {
			return "no_mobile", nil
		}
		code, err := newNumericCode(mobileCodeDigits)
		if err != nil {
			return "", err
		}
		// A new code retires the older ones of the person.
		if _, err := tx.Exec(ctx, `UPDATE otp_codes SET used_at = ? WHERE person_id = ? AND purpose = ? AND used_at = 0`,
			store.Millis(tx.Now), p.ID, resetCodePurpose); err != nil {
			return "", fmt.Errorf("identity: retire reset codes: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO otp_codes (person_id, purpose, target, code_hash, attempts, expires_at, used_at, created_at)
			VALUES (?, ?, ?, ?, 0, ?, 0, ?)`, p.ID, resetCodePurpose, resetTarget(row.ID), hashCode(RandomToken(12)+"$", resetTarget(row.ID), code),
			store.Millis(tx.Now.Add(ResetCodeTTL)), store.Millis(tx.Now))
		if err != nil {
			return "", fmt.Errorf("identity: store reset code: %w", err)
		}
		msg := notify.SMS(p.Mobile, ResetCodeText(code))
		msg.RefKind, msg.RefID = "account", fmt.Sprint(row.ID)
		return "", notify.Queue(ctx, tx, msg)
	}
	to, err := emailOf(ctx, tx, row.Account)
	if err != nil {
		return "", err
	}
	if to == "" {
		return "no_email", nil
	}
	if req.LinkBase == "" {
		// Without the desk's configured address there is no trustworthy host for the
		// link (never the request's Host header, which the requester chooses).
		return "no_base_url", nil
	}
	token := RandomToken(32)
	// Links older than a day serve no check any more; the newer ones are retired.
	if _, err := tx.Exec(ctx, `DELETE FROM password_resets WHERE account_id = ? AND expires_at < ?`,
		row.ID, store.Millis(tx.Now.Add(-24*time.Hour))); err != nil {
		return "", fmt.Errorf("identity: purge reset links: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = ? WHERE account_id = ? AND used_at = 0`, store.Millis(tx.Now), row.ID); err != nil {
		return "", fmt.Errorf("identity: retire reset links: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO password_resets (token_hash, account_id, expires_at, used_at, created_at) VALUES (?, ?, ?, 0, ?)`,
		tokenHash(token), row.ID, store.Millis(tx.Now.Add(ResetLinkTTL)), store.Millis(tx.Now)); err != nil {
		return "", fmt.Errorf("identity: store reset link: %w", err)
	}
	link := req.LinkBase + token
	msg := notify.Bilingual{
		SubjectFa: "بازنشانی گذرواژه میز خدمت", SubjectEn: "Resetting your Miz password",
		BodyFa: "برای گذاشتن گذرواژه تازه روی پیوند زیر بزنید. این پیوند ۳۰ دقیقه و فقط یک بار کار می‌کند.\n" + link +
			"\n\nاگر شما این درخواست را نداده‌اید، این نامه را نادیده بگیرید؛ گذرواژه شما تغییری نکرده است.",
		BodyEn: "Follow the link below to set a new password. It works once, within 30 minutes.\n" + link +
			"\n\nIf you did not ask for this, ignore this e-mail; your password has not changed.",
	}.Email(to)
	msg.RefKind, msg.RefID = "account", fmt.Sprint(row.ID)
	return "", notify.Queue(ctx, tx, msg)
}

// resetTarget binds a reset code to the account it was sent for.
func resetTarget(accountID int64) string { return fmt.Sprintf("reset:account:%d", accountID) }

// emailOf is where an account's e-mail goes: its own address, else its person's or
// organisation's.
func emailOf(ctx context.Context, tx *store.Tx, a Account) (string, error) {
	if a.Email != "" {
		return a.Email, nil
	}
	switch {
	case a.PersonID != 0:
		p, err := PersonByID(ctx, tx, a.PersonID)
		return p.Email, err
	case a.OrgID != 0:
		o, err := OrganizationByID(ctx, tx, a.OrgID)
		return o.Email, err
	}
	return "", nil
}

// ResetCodeText is the SMS that carries a password reset code.
func ResetCodeText(code string) string {
	return "میز خدمت سازمان فناوری اطلاعات\nکد بازنشانی گذرواژه: " + code +
		"\nاین کد تا ۱۰ دقیقه معتبر است. اگر شما درخواست نکرده‌اید، آن را نادیده بگیرید و به کسی ندهید."
}

// ResetCompletion sets a new password with a secret: Login and Code for the SMS
// way, or Token for the e-mailed link.
type ResetCompletion struct {
	Login    string
	Code     string
	Token    string
	Password string
	ClientIP string
}

func resetInvalid() error {
	return &problem.Error{Code: problem.Invalid, Key: "reset.invalid", Field: "code", Err: ErrResetInvalid}
}

// CompletePasswordReset checks the secret and sets the new password. Every wrong
// guess counts, the secret is used once, all sessions and tokens of the account end,
// and the owner is told by SMS and e-mail. A wrong login, code or link gets one
// answer, so that it tells nothing about which accounts exist.
func CompletePasswordReset(ctx context.Context, db *store.DB, c ResetCompletion) error {
	if err := checkPasswordLength(c.Password); err != nil {
		return err
	}
	c.Code = strings.TrimSpace(persian.ASCIIDigits(c.Code))
	c.Token = strings.TrimSpace(c.Token)
	if c.Token == "" && (strings.TrimSpace(c.Login) == "" || c.Code == "") {
		return resetInvalid()
	}
	hash, err := HashPassword(c.Password) // before the transaction: it is slow on purpose
	if err != nil {
		return err
	}
	var result error
	err = db.Update(ctx, func(tx *store.Tx) error {
		if result = throttle(ctx, tx, "reset-try:"+c.ClientIP, ResetTriesPerIP); result != nil {
			return nil
		}
		var accountID int64
		if c.Token != "" {
			accountID, result = useResetLink(ctx, tx, c.Token)
		} else {
			accountID, result = useResetCode(ctx, tx, c.Login, c.Code)
		}
		if result != nil {
			return audit.Record(ctx, tx, "anonymous", "auth.password_reset_failed", "account", idOrEmpty(accountID),
				map[string]any{"ip": c.ClientIP, "link": c.Token != ""})
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?`, hash, accountID); err != nil {
			return fmt.Errorf("identity: reset password: %w", err)
		}
		ended, err := endSessions(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := notifyPasswordChanged(ctx, tx, accountID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(accountID), "auth.password_reset", "account", fmt.Sprint(accountID),
			map[string]any{"ip": c.ClientIP, "channel": map[bool]string{true: "email", false: "sms"}[c.Token != ""], "sessions_ended": ended})
	})
	if err != nil {
		return err
	}
	return result
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprint(id)
}

// useResetLink marks an e-mailed token used and returns its account.
func useResetLink(ctx context.Context, tx *store.Tx, token string) (int64, error) {
	var accountID, expires, used int64
	err := tx.QueryRow(ctx, `SELECT account_id, expires_at, used_at FROM password_resets WHERE token_hash = ?`, tokenHash(token)).
		Scan(&accountID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, resetInvalid()
	}
	if err != nil {
		return 0, fmt.Errorf("identity: reset link: %w", err)
	}
	if used != 0 || expires <= store.Millis(tx.Now) {
		return accountID, resetInvalid()
	}
	if ok, err := resettable(ctx, tx, accountID); err != nil || !ok {
		return accountID, errors.Join(err, resetInvalid())
	}
	if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = ? WHERE token_hash = ?`, store.Millis(tx.Now), tokenHash(token)); err != nil {
		return 0, fmt.Errorf("identity: use reset link: %w", err)
	}
	return accountID, nil
}

// useResetCode checks an SMS code for the typed login; every guess counts.
func useResetCode(ctx context.Context, tx *store.Tx, login, code string) (int64, error) {
	row, err := findLogin(ctx, tx, login)
	if errors.Is(err, store.ErrNotFound) || (err == nil && row.PersonID == 0) {
		return 0, resetInvalid()
	}
	if err != nil {
		return 0, err
	}
	var id, expires, used int64
	var attempts int
	var target, stored string
	err = tx.QueryRow(ctx, `SELECT id, target, code_hash, attempts, expires_at, used_at FROM otp_codes
		WHERE person_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1`, row.PersonID, resetCodePurpose).
		Scan(&id, &target, &stored, &attempts, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return row.ID, resetInvalid()
	}
	if err != nil {
		return 0, fmt.Errorf("identity: reset code: %w", err)
	}
	if target != resetTarget(row.ID) || used != 0 || expires <= store.Millis(tx.Now) || attempts >= MobileCodeMaxAttempts {
		return row.ID, resetInvalid()
	}
	if _, err := tx.Exec(ctx, `UPDATE otp_codes SET attempts = attempts + 1 WHERE id = ?`, id); err != nil {
		return 0, fmt.Errorf("identity: count reset attempt: %w", err)
	}
	if !hmac.Equal([]byte(stored), []byte(hashCode(stored, target, code))) {
		return row.ID, resetInvalid()
	}
	if ok, err := resettable(ctx, tx, row.ID); err != nil || !ok {
		return row.ID, errors.Join(err, resetInvalid())
	}
	if _, err := tx.Exec(ctx, `UPDATE otp_codes SET used_at = ? WHERE id = ?`, store.Millis(tx.Now), id); err != nil {
		return 0, fmt.Errorf("identity: use reset code: %w", err)
	}
	return row.ID, nil
}

// resettable reports whether an account may still be reset by its owner: not
// disabled and not staff (an administrator may have changed either since).
func resettable(ctx context.Context, tx *store.Tx, accountID int64) (bool, error) {
	a, err := accountInfo(ctx, tx, accountID)
	if err != nil {
		return false, err
	}
	return !a.Disabled && !a.Staff(), nil
}

// notifyPasswordChanged tells the owner of an account that its password changed,
// by SMS to a verified mobile and by e-mail, whichever they have.
func notifyPasswordChanged(ctx context.Context, tx *store.Tx, accountID int64) error {
	a, err := AccountByID(ctx, tx, accountID)
	if err != nil {
		return err
	}
	if a.PersonID != 0 {
		p, err := PersonByID(ctx, tx, a.PersonID)
		if err != nil {
			return err
		}
		if p.MobileVerified && p.Mobile != "" {
			msg := notify.SMS(p.Mobile, "میز خدمت سازمان فناوری اطلاعات\nگذرواژه حساب شما هم‌اکنون تغییر کرد و همه نشست‌ها بسته شد. "+
				"اگر این کار را شما نکرده‌اید، بی‌درنگ با میز خدمت تماس بگیرید.")
			msg.RefKind, msg.RefID = "account", fmt.Sprint(accountID)
			if err := notify.Queue(ctx, tx, msg); err != nil {
				return err
			}
		}
	}
	to, err := emailOf(ctx, tx, a)
	if err != nil || to == "" {
		return err
	}
	msg := notify.Bilingual{
		SubjectFa: "گذرواژه میز خدمت شما تغییر کرد", SubjectEn: "Your Miz password was changed",
		BodyFa: "گذرواژه حساب شما هم‌اکنون بازنشانی شد و همه نشست‌ها و توکن‌های آن بسته شد.\n\nاگر این کار را شما نکرده‌اید، بی‌درنگ با میز خدمت تماس بگیرید.",
		BodyEn: "The password of your account was just reset, and all its sessions and tokens were ended.\n\nIf this was not you, contact the service desk at once.",
	}.Email(to)
	msg.RefKind, msg.RefID = "account", fmt.Sprint(accountID)
	return notify.Queue(ctx, tx, msg)
}
