package persian

import "fmt"

// Field names the identifier an InvalidError is about.
type Field string

// The fields that the validators in this package check.
const (
	FieldNationalCode Field = "national_code" // کد ملی, 10 digits
	FieldLegalID      Field = "legal_id"      // شناسه ملی, 11 digits
	FieldMobile       Field = "mobile"        // شماره تلفن همراه
)

// Reason is a small, stable code for why a value was rejected; the API returns
// it as is and the UI turns it into a sentence with MessageFa or MessageEn.
type Reason string

// The reasons a validator gives.
const (
	ReasonLength   Reason = "length"   // wrong number of digits
	ReasonDigits   Reason = "digits"   // something other than digits
	ReasonChecksum Reason = "checksum" // the check digit does not match
	ReasonRepeated Reason = "repeated" // one digit repeated throughout
	ReasonPrefix   Reason = "prefix"   // does not start as this kind of number must
)

// InvalidError reports that a typed identifier is not valid. Validators return
// it as *InvalidError; use errors.As to get the field and reason.
type InvalidError struct {
	Field  Field
	Reason Reason
}

// Error returns a short English description meant for logs.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("persian: invalid %s: %s", e.Field, e.Reason)
}

// MessageEn returns a sentence in English that tells a person what is wrong.
func (e *InvalidError) MessageEn() string {
	name := fieldNameEn(e.Field)
	switch e.Reason {
	case ReasonLength:
		switch e.Field {
		case FieldNationalCode:
			return "The national code must have 10 digits."
		case FieldLegalID:
			return "The national ID must have 11 digits."
		case FieldMobile:
			return "The mobile number must have 11 digits and start with 09."
		}
		return "The " + name + " has the wrong number of digits."
	case ReasonDigits:
		return "The " + name + " may contain digits only."
	case ReasonChecksum:
		return "The " + name + " is not valid; please check it for a typing mistake."
	case ReasonRepeated:
		return "The " + name + " cannot be one digit repeated."
	case ReasonPrefix:
		if e.Field == FieldMobile {
			return "The mobile number must be an Iranian mobile number starting with 09."
		}
		return "The " + name + " does not start as it should."
	}
	return "The " + name + " is not valid."
}

// MessageFa returns a sentence in Persian that tells a person what is wrong.
func (e *InvalidError) MessageFa() string {
	name := fieldNameFa(e.Field)
	switch e.Reason {
	case ReasonLength:
		switch e.Field {
		case FieldNationalCode:
			return "کد ملی باید ۱۰ رقم باشد."
		case FieldLegalID:
			return "شناسه ملی باید ۱۱ رقم باشد."
		case FieldMobile:
			return "شماره تلفن همراه باید ۱۱ رقم باشد و با ۰۹ شروع شود."
		}
		return "تعداد ارقام " + name + " درست نیست."
	case ReasonDigits:
		return name + " فقط می‌تواند شامل رقم باشد."
	case ReasonChecksum:
		return name + " معتبر نیست؛ لطفاً آن را از نظر اشتباه تایپی بررسی کنید."
	case ReasonRepeated:
		return name + " نمی‌تواند از تکرار یک رقم تشکیل شده باشد."
	case ReasonPrefix:
		if e.Field == FieldMobile {
			return "شماره تلفن همراه باید شماره‌ای ایرانی و با ۰۹ شروع شود."
		}
		return "ابتدای " + name + " درست نیست."
	}
	return name + " معتبر نیست."
}

func fieldNameEn(f Field) string {
	switch f {
	case FieldNationalCode:
		return "national code"
	case FieldLegalID:
		return "national ID"
	case FieldMobile:
		return "mobile number"
	}
	return "value"
}

func fieldNameFa(f Field) string {
	switch f {
	case FieldNationalCode:
		return "کد ملی"
	case FieldLegalID:
		return "شناسه ملی"
	case FieldMobile:
		return "شماره تلفن همراه"
	}
	return "مقدار"
}

func invalid(f Field, r Reason) error {
	return &InvalidError{Field: f, Reason: r}
}

// allSame reports whether s consists of one byte repeated.
func allSame(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}
