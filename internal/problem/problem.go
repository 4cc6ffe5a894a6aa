// Package problem is Miz's one error type for things a person should be told: a code
// that maps to an HTTP status in one place, a message key that is localised at the
// edge, and the field it concerns. The cause, if any, is logged, never shown.
package problem

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error.
type Code string

// Error codes.
const (
	Invalid      Code = "invalid"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	TooLarge     Code = "too_large"
	Unsupported  Code = "unsupported_media_type"
	RateLimited  Code = "rate_limited"
	Unavailable  Code = "unavailable"
	Internal     Code = "internal"
)

// Error is an error with a localisable message.
type Error struct {
	Code  Code
	Key   string // i18n message key
	Args  []any  // arguments for the message
	Field string // the form or JSON field at fault, if any
	Err   error  // the cause, for logs only
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Code, e.Key)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with a code and a message key.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Field returns an Invalid error about one field.
func Field(field, key string, args ...any) *Error {
	return &Error{Code: Invalid, Key: key, Args: args, Field: field}
}

// Wrap attaches a cause to a new error.
func Wrap(code Code, key string, cause error) *Error {
	return &Error{Code: code, Key: key, Err: cause}
}

// ErrNotFound is the sentinel a store or domain package wraps when a row that was
// asked for does not exist; store.ErrNotFound is the same value.
var ErrNotFound = errors.New("not found")

// ErrUnavailable is the sentinel wrapped when a backing store (the database, the
// document blob store) cannot be reached; store.ErrUnavailable is the same value.
var ErrUnavailable = errors.New("database unavailable")

// Classify is the one rule both adapters answer an error by: an unavailable store is
// Unavailable (503) whatever wraps it, a bare not-found is NotFound (404), any other
// *Error keeps its code, and everything else is Internal.
func Classify(err error) *Error {
	pe := As(err)
	switch {
	case errors.Is(err, ErrUnavailable) && pe.Code != Unavailable:
		return &Error{Code: Unavailable, Key: "error.unavailable", Err: err}
	case errors.Is(err, ErrNotFound) && pe.Code == Internal:
		return &Error{Code: NotFound, Key: "error.not_found", Err: err}
	}
	return pe
}

// As extracts the *Error in err's chain; anything else is an internal error.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Key: "error.internal", Err: err}
}

// Status maps a code to its HTTP status.
func Status(c Code) int {
	switch c {
	case Invalid:
		return http.StatusBadRequest
	case Unauthorized:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case TooLarge:
		return http.StatusRequestEntityTooLarge
	case Unsupported:
		return http.StatusUnsupportedMediaType
	case RateLimited:
		return http.StatusTooManyRequests
	case Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}
