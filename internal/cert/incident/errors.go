package incident

import (
	"strings"

	"github.com/itoir/miz/internal/problem"
)

// FieldErrors is every problem found in one form, in field order, so that a page
// can mark all of them at once. It unwraps to its *problem.Error values, so
// problem.As (and errors.As) finds the first one for adapters that show one.
type FieldErrors []*problem.Error

// Error lists the fields at fault, for logs.
func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Error()
	}
	return "cert: form: " + strings.Join(parts, "; ")
}

// Unwrap returns the individual field errors.
func (fe FieldErrors) Unwrap() []error {
	out := make([]error, len(fe))
	for i, e := range fe {
		out[i] = e
	}
	return out
}

// Fields returns the names of the fields at fault, in order.
func (fe FieldErrors) Fields() []string {
	out := make([]string, len(fe))
	for i, e := range fe {
		out[i] = e.Field
	}
	return out
}

// add records a field error.
func (fe *FieldErrors) add(field, key string, args ...any) {
	*fe = append(*fe, problem.Field(field, key, args...))
}

// err returns fe as an error, or nil when there is nothing wrong.
func (fe FieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}
