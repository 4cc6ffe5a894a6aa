package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a budget of time on one of the SLA clocks (SLA-CLOCK rule 4).
type Duration struct {
	Amount int `yaml:"amount"`
	// Unit is "business_days", "business_hours", "hours" or "minutes".
	Unit string `yaml:"unit"`
}

// Units of a Duration.
const (
	UnitBusinessDays  = "business_days"
	UnitBusinessHours = "business_hours"
	UnitHours         = "hours"
	UnitMinutes       = "minutes"
)

// IsZero reports whether the duration was left out.
func (d Duration) IsZero() bool { return d == Duration{} }

// Business reports whether the duration runs on the business calendar;
// hours and minutes run around the clock (24×7).
func (d Duration) Business() bool {
	return d.Unit == UnitBusinessDays || d.Unit == UnitBusinessHours
}

// Wall returns the length of a 24×7 duration, or false for business units,
// whose length depends on the calendar.
func (d Duration) Wall() (time.Duration, bool) {
	switch d.Unit {
	case UnitHours:
		return time.Duration(d.Amount) * time.Hour, true
	case UnitMinutes:
		return time.Duration(d.Amount) * time.Minute, true
	}
	return 0, false
}

// Period is a calendar length such as the validity of a certificate.
type Period struct {
	Amount int `yaml:"amount"`
	// Unit is "years", "months" or "days".
	Unit string `yaml:"unit"`
}

// AddTo returns t moved forward by the period.
func (p Period) AddTo(t time.Time) time.Time {
	switch p.Unit {
	case "years":
		return t.AddDate(p.Amount, 0, 0)
	case "months":
		return t.AddDate(0, p.Amount, 0)
	}
	return t.AddDate(0, 0, p.Amount)
}

// Date is a civil day written as ISO YYYY-MM-DD (Gregorian) in the file.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// UnmarshalYAML reads a date written as YYYY-MM-DD.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return typeError(n, "want a date as YYYY-MM-DD, got %q", n.Value)
	}
	*d = Date{t.Year(), t.Month(), t.Day()}
	return nil
}

// MarshalYAML writes the date as YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// IsZero reports whether the date was left out.
func (d Date) IsZero() bool { return d == Date{} }

// String formats the date as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// In returns the first instant of the day in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.In(time.UTC).Before(e.In(time.UTC)) }

// ByteSize is a size in bytes, written either as a plain integer or with a
// binary unit: "512KB", "10MB", "1GB" (1 MB = 1,048,576 bytes).
type ByteSize int64

// UnmarshalYAML reads a size as bytes or with a KB, MB or GB suffix.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return typeError(n, "want a size such as 10MB")
	}
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return typeError(n, "want a positive size such as 10MB, got %q", n.Value)
	}
	*b = v
	return nil
}

// ParseByteSize reads a size as bytes or with a KB, MB or GB suffix ("50MB"), as
// max_size and module settings named *_size are written.
func ParseByteSize(raw string) (ByteSize, error) {
	s := strings.ToUpper(strings.TrimSpace(raw))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || v > (1<<40)/mult {
		return 0, fmt.Errorf("catalog: size %q: want a positive size such as 10MB", raw)
	}
	return ByteSize(v * mult), nil
}

// typeError builds the error kind that yaml.v3 collects instead of stopping,
// so that one bad value does not hide the problems after it.
func typeError(n *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: ", n.Line) + fmt.Sprintf(format, args...)}}
}
