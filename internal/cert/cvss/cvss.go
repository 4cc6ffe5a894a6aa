// Package cvss scores CVSS v3.1 and v4.0 vectors with github.com/pandatix/go-cvss
// (its v3.1 and v4.0 packages implement FIRST's specifications and their scoring
// tables), and turns a bad vector into a field error a form can show.
package cvss

import (
	"fmt"
	"strings"

	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/itoir/miz/internal/problem"
)

// Score is a scored vector.
type Score struct {
	// Version is "3.1" or "4.0".
	Version string
	// Vector is the vector as given, trimmed.
	Vector string
	// Base is the score of the vector (for v4.0, CVSS-B unless threat or
	// environmental metrics are given, as the vector's own nomenclature says).
	Base float64
	// Severity is NONE, LOW, MEDIUM, HIGH or CRITICAL.
	Severity string
}

// Parse scores a CVSS v3.1 ("CVSS:3.1/…") or v4.0 ("CVSS:4.0/…") vector. Errors
// are *problem.Error on field with key cert.cvss.invalid (or cert.cvss.version for
// another version), carrying the reason.
func Parse(field, vector string) (Score, error) {
	v := strings.TrimSpace(vector)
	switch {
	case strings.HasPrefix(v, "CVSS:3.1/"):
		c, err := gocvss31.ParseVector(v)
		if err != nil {
			return Score{}, invalid(field, v, err)
		}
		s := Score{Version: "3.1", Vector: v, Base: c.BaseScore()}
		s.Severity, err = gocvss31.Rating(s.Base)
		return s, err
	case strings.HasPrefix(v, "CVSS:4.0/"):
		c, err := gocvss40.ParseVector(v)
		if err != nil {
			return Score{}, invalid(field, v, err)
		}
		s := Score{Version: "4.0", Vector: v, Base: c.Score()}
		s.Severity, err = gocvss40.Rating(s.Base)
		return s, err
	}
	return Score{}, &problem.Error{Code: problem.Invalid, Key: "cert.cvss.version", Field: field,
		Err: fmt.Errorf("cvss: %q is not a CVSS:3.1 or CVSS:4.0 vector", v)}
}

func invalid(field, v string, err error) error {
	return &problem.Error{Code: problem.Invalid, Key: "cert.cvss.invalid", Args: []any{v, err.Error()}, Field: field,
		Err: fmt.Errorf("cvss: %q: %w", v, err)}
}

// Reason returns the cause of a Parse error in plain English, for `miz cvss`.
func Reason(err error) string {
	pe := problem.As(err)
	if pe.Key == "cert.cvss.version" {
		return "not a CVSS:3.1 or CVSS:4.0 vector"
	}
	if len(pe.Args) == 2 {
		return fmt.Sprint(pe.Args[1])
	}
	return err.Error()
}
