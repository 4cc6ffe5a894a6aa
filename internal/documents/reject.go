package documents

import (
	"fmt"
	"strings"
)

// Reason is the code of one ground for refusing an upload. A Reason is also
// an error, so callers can test a rejection with errors.Is(err, ErrTooLarge).
type Reason string

// Error returns the reason code, so that a Reason can stand as a sentinel.
func (r Reason) Error() string { return "documents: rejected: " + string(r) }

// Grounds for refusing an upload; each is the Reason of a *RejectError.
const (
	// ErrTooLarge means the upload is bigger than Limits.MaxBytes.
	ErrTooLarge Reason = "too_large"
	// ErrEmpty means the upload has no content.
	ErrEmpty Reason = "empty"
	// ErrTypeNotAllowed means the content is of a type not in Limits.Allowed,
	// or of no type this package recognises.
	ErrTypeNotAllowed Reason = "type_not_allowed"
	// ErrTypeMismatch means the declared type or the name's extension
	// disagrees with the content.
	ErrTypeMismatch Reason = "type_mismatch"
	// ErrMalformed means the content starts like a known type but is damaged.
	ErrMalformed Reason = "malformed"
	// ErrZipBomb means an archive expands too far, too steeply, or has too
	// many entries.
	ErrZipBomb Reason = "zip_bomb"
	// ErrArchivePath means an archive holds an entry with an absolute or
	// parent-escaping name.
	ErrArchivePath Reason = "archive_path"
	// ErrNestedArchive means archives are nested deeper than allowed, or an
	// archive holds an archive format that cannot be inspected.
	ErrNestedArchive Reason = "nested_archive"
	// ErrPolyglot means the file is also a valid file of another type, or
	// carries data hidden after its end.
	ErrPolyglot Reason = "polyglot"
	// ErrEncrypted means an archive entry is encrypted, so it cannot be
	// checked.
	ErrEncrypted Reason = "encrypted"
	// ErrMalware means the EICAR test marker or a virus scanner's finding.
	ErrMalware Reason = "malware"
)

// RejectError tells why an upload was refused. Its Error text is the cause
// for logs; MessageFa and MessageEn are what a person is shown.
type RejectError struct {
	// Reason is the ground for refusal.
	Reason Reason
	// Detected is the type identifier found in the content, if any.
	Detected string
	// Declared is the declaration that disagreed with the content.
	Declared string
	// Allowed lists the type identifiers that would have been accepted.
	Allowed []string
	// Limit is the byte limit for ErrTooLarge.
	Limit int64
	// Detail is the technical cause, for logs only.
	Detail string
}

// Error returns the logged cause of the rejection.
func (e *RejectError) Error() string {
	var b strings.Builder
	b.WriteString("documents: rejected: ")
	b.WriteString(string(e.Reason))
	if e.Detected != "" {
		fmt.Fprintf(&b, " (detected %s)", e.Detected)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap returns the Reason, so that errors.Is matches the sentinel.
func (e *RejectError) Unwrap() error { return e.Reason }

// MessageEn returns the message shown to a person, in English.
func (e *RejectError) MessageEn() string {
	switch e.Reason {
	case ErrTooLarge:
		return fmt.Sprintf("The file is larger than the limit of %s.", sizeEn(e.Limit))
	case ErrEmpty:
		return "The file is empty."
	case ErrTypeNotAllowed:
		what := "This type of file is not accepted"
		if e.Detected != "" {
			what = fmt.Sprintf("%s files are not accepted", typeName(e.Detected))
		}
		return fmt.Sprintf("%s here (allowed: %s).", what, namesList(e.Allowed, ", "))
	case ErrTypeMismatch:
		return fmt.Sprintf("The file's content is %s, which does not match its name or declared type.", typeName(e.Detected))
	case ErrMalformed:
		return fmt.Sprintf("The file looks like %s but is damaged.", typeName(e.Detected))
	case ErrZipBomb:
		return "The archive expands to far more data than is acceptable."
	case ErrArchivePath:
		return "The archive contains an entry whose name points outside it."
	case ErrNestedArchive:
		return "The archive contains nested archives that cannot be accepted."
	case ErrPolyglot:
		return "The file is at the same time a file of another type, or hides data after its end."
	case ErrEncrypted:
		return "The archive is password-protected and cannot be checked; send it without a password."
	case ErrMalware:
		return "The file contains a virus or a virus test marker."
	}
	return "The file was not accepted."
}

// MessageFa returns the message shown to a person, in Persian.
func (e *RejectError) MessageFa() string {
	switch e.Reason {
	case ErrTooLarge:
		return fmt.Sprintf("حجم پرونده از سقف مجاز (%s) بیشتر است.", sizeFa(e.Limit))
	case ErrEmpty:
		return "پرونده خالی است."
	case ErrTypeNotAllowed:
		what := "این نوع پرونده"
		if e.Detected != "" {
			what = "پروندهٔ " + typeName(e.Detected)
		}
		return fmt.Sprintf("%s در اینجا پذیرفته نمی‌شود (انواع مجاز: %s).", what, namesList(e.Allowed, "، "))
	case ErrTypeMismatch:
		return fmt.Sprintf("محتوای پرونده از نوع %s است و با نام یا نوع اعلام‌شده هم‌خوانی ندارد.", typeName(e.Detected))
	case ErrMalformed:
		return fmt.Sprintf("پرونده به نظر %s است اما آسیب دیده است.", typeName(e.Detected))
	case ErrZipBomb:
		return "پروندهٔ فشرده پس از بازشدن بسیار بیش از حد مجاز حجم دارد."
	case ErrArchivePath:
		return "پروندهٔ فشرده مدخلی دارد که نامش به بیرون از آن اشاره می‌کند."
	case ErrNestedArchive:
		return "پروندهٔ فشرده شامل پرونده‌های فشردهٔ تودرتوی غیرمجاز است."
	case ErrPolyglot:
		return "پرونده هم‌زمان پرونده‌ای از نوع دیگر است یا پس از پایانش داده‌ای پنهان دارد."
	case ErrEncrypted:
		return "پروندهٔ فشرده گذرواژه دارد و بررسی‌شدنی نیست؛ آن را بدون گذرواژه بفرستید."
	case ErrMalware:
		return "پرونده ویروس یا نشانگر آزمایشی ویروس دارد."
	}
	return "پرونده پذیرفته نشد."
}

// namesList joins the display names of type identifiers.
func namesList(ids []string, sep string) string {
	if len(ids) == 0 {
		return "-"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = typeName(id)
	}
	return strings.Join(names, sep)
}

// sizeEn formats a byte count for a person, in English.
func sizeEn(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// sizeFa formats a byte count for a person, in Persian with Persian digits.
func sizeFa(n int64) string {
	var s string
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		s = fmt.Sprintf("%d مگابایت", n>>20)
	case n >= 1<<20:
		s = strings.Replace(fmt.Sprintf("%.1f مگابایت", float64(n)/(1<<20)), ".", "٫", 1)
	case n >= 1<<10:
		s = fmt.Sprintf("%d کیلوبایت", n>>10)
	default:
		s = fmt.Sprintf("%d بایت", n)
	}
	return persianDigits(s)
}

// persianDigits replaces ASCII digits with Persian ones.
func persianDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + (r - '0')
		}
		return r
	}, s)
}
