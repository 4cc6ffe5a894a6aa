// Package incident is the CERT's incident report: the form an organisation (or a
// responder on its behalf) fills in, checked and normalised in one pass that
// reports every field at fault at once. Web pages and the API send the same JSON.
package incident

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// Limits of one report.
const (
	MaxIndicators = 10000
	MaxAssets     = 500
	maxSummary    = 10000
	maxShort      = 200
)

// Form is an incident report as stored on the case (D-1: never public, never in
// statistics). JSON keys are flat so HTML forms and API clients send the same names.
type Form struct {
	// Summary is what happened, in the reporter's words.
	Summary string `json:"summary,omitempty"`
	// FirstSeen is when the incident was first noticed, RFC 3339 in Tehran time.
	FirstSeen string  `json:"first_seen,omitempty"`
	Assets    []Asset `json:"assets,omitempty"`
	// Impact is what the incident did to the organisation's work.
	Impact       string      `json:"impact,omitempty"`
	ContactName  string      `json:"contact_name,omitempty"`
	ContactPhone string      `json:"contact_phone,omitempty"`
	ContactEmail string      `json:"contact_email,omitempty"`
	Indicators   []Indicator `json:"indicators,omitempty"`
	// TLP is the report's label; zero (not given) is read as AMBER by Label.
	TLP tlp.Level `json:"tlp,omitempty"`
}

// DefaultTLP is the label of a report that names none: the organisation and the
// CERT only, never the community at large.
const DefaultTLP = tlp.Amber

// Label returns the report's TLP label, DefaultTLP when none was given.
func (f *Form) Label() tlp.Level {
	if f.TLP.Valid() {
		return f.TLP
	}
	return DefaultTLP
}

// rawForm is the form as sent: lists may be JSON arrays of strings or of
// {type, value[, tlp]} objects, or one text with an entry a line.
type rawForm struct {
	Summary      string    `json:"summary"`
	FirstSeen    string    `json:"first_seen"`
	Assets       entryList `json:"assets"`
	Impact       string    `json:"impact"`
	ContactName  string    `json:"contact_name"`
	ContactPhone string    `json:"contact_phone"`
	ContactEmail string    `json:"contact_email"`
	Indicators   entryList `json:"indicators"`
	TLP          string    `json:"tlp"`
}

type entry struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	TLP   string `json:"tlp"`
}

type entryList []entry

// UnmarshalJSON accepts an array of strings or objects, or one string split on new
// lines, commas, semicolons and spaces (a pasted IOC list).
func (l *entryList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		for _, f := range strings.FieldsFunc(s, func(r rune) bool {
			return r == '\n' || r == '\r' || r == ',' || r == ';' || r == ' ' || r == '\t' || r == '،' || r == '؛'
		}) {
			*l = append(*l, entry{Value: f})
		}
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	for _, it := range items {
		var e entry
		if len(it) > 0 && it[0] == '"' {
			if err := json.Unmarshal(it, &e.Value); err != nil {
				return err
			}
		} else if err := json.Unmarshal(it, &e); err != nil {
			return err
		}
		*l = append(*l, e)
	}
	return nil
}

// Parse decodes, normalises and checks an incident report. Every field at fault is
// reported at once, as FieldErrors with i18n keys under "cert."; indicators are
// de-duplicated after normalisation. A draft may leave fields empty (see Complete);
// what is given must be valid. now bounds first_seen (zero: unchecked).
func Parse(raw json.RawMessage, now time.Time) (Form, error) {
	var in rawForm
	var f Form
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return f, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return f, FieldErrors{&problem.Error{Code: problem.Invalid, Key: "cert.form.invalid", Field: "form", Err: err}}
	}
	var fe FieldErrors
	f.Summary = text(&fe, "summary", in.Summary, maxSummary, true)
	f.Impact = text(&fe, "impact", in.Impact, maxSummary, true)
	f.ContactName = text(&fe, "contact_name", in.ContactName, maxShort, false)
	if s := strings.TrimSpace(in.FirstSeen); s != "" {
		at, err := ParseFirstSeen(s, now)
		switch {
		case errors.Is(err, errDateFuture):
			fe.add("first_seen", "cert.first_seen.future")
		case err != nil:
			fe.add("first_seen", "cert.first_seen.invalid")
		default:
			f.FirstSeen = at.In(jalali.Tehran()).Format(time.RFC3339)
		}
	}
	if s := persian.ASCIIDigits(strings.TrimSpace(in.ContactPhone)); s != "" {
		s = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(s)
		if len(s) < 5 || len(s) > 16 || strings.Trim(strings.TrimPrefix(s, "+"), "0123456789") != "" {
			fe.add("contact_phone", "cert.contact_phone.invalid")
		}
		f.ContactPhone = s
	}
	if s := strings.TrimSpace(in.ContactEmail); s != "" {
		v, err := normEmail(clean(s))
		if err != nil {
			fe.add("contact_email", "cert.contact_email.invalid")
		}
		f.ContactEmail = v
	}
	if s := strings.TrimSpace(in.TLP); s != "" {
		l, err := tlp.Parse(s)
		if err != nil {
			fe.add("tlp", "cert.tlp.invalid", s)
		}
		f.TLP = l
	}
	f.Assets = assets(&fe, in.Assets)
	f.Indicators = indicators(&fe, in.Indicators)
	return f, fe.err()
}

// Complete reports what a report needs before it is sent to the CERT: what
// happened. Everything else helps, but an incident reported at night by phone may
// know nothing more yet.
func (f *Form) Complete() error {
	if f.Summary == "" {
		return FieldErrors{problem.Field("summary", "cert.form.required")}
	}
	return nil
}

func text(fe *FieldErrors, field, s string, max int, multiLine bool) string {
	if err := persian.CheckText(s, multiLine); err != nil {
		fe.add(field, "cert.form.text")
		return ""
	}
	s = strings.TrimSpace(persian.Normalize(s))
	if utf8.RuneCountInString(s) > max {
		fe.add(field, "cert.form.too_long", max)
	}
	return s
}

func assets(fe *FieldErrors, in entryList) []Asset {
	if len(in) > MaxAssets {
		fe.add("assets", "cert.assets.too_many", MaxAssets)
		return nil
	}
	var out []Asset
	seen := map[Asset]bool{}
	for i, e := range in {
		a, err := NormalizeAsset(e.Value, e.Type)
		if err != nil {
			key := "cert.asset.invalid"
			if errors.Is(err, errUnknownType) {
				key = "cert.asset.type"
			}
			fe.add(fmt.Sprintf("assets[%d]", i), key, strings.TrimSpace(e.Value))
			continue
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func indicators(fe *FieldErrors, in entryList) []Indicator {
	if len(in) > MaxIndicators {
		fe.add("indicators", "cert.indicators.too_many", MaxIndicators)
		return nil
	}
	out := make([]Indicator, 0, len(in))
	for i, e := range in {
		field := fmt.Sprintf("indicators[%d]", i)
		ind, err := NormalizeIndicator(e.Value, e.Type)
		if err != nil {
			key := "cert.indicator.invalid"
			if errors.Is(err, errUnknownType) {
				key = "cert.indicator.type"
			}
			fe.add(field, key, strings.TrimSpace(e.Value))
			continue
		}
		if s := strings.TrimSpace(e.TLP); s != "" {
			l, err := tlp.Parse(s)
			if err != nil {
				fe.add(field, "cert.tlp.invalid", s)
				continue
			}
			ind.TLP = l
		}
		out = append(out, ind)
	}
	if len(out) == 0 {
		return nil
	}
	return Dedupe(out)
}
