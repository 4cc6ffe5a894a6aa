package triage

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/catalog"
)

// Severity is an incident's severity as the CERT judges it at triage.
type Severity string

// The severities, most urgent first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities lists the severities, most urgent first.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low} }

// ParseSeverity reads a severity in English or Persian, any case.
func ParseSeverity(s string) (Severity, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch t {
	case "بحرانی":
		return Critical, true
	case "بالا", "زیاد":
		return High, true
	case "متوسط":
		return Medium, true
	case "پایین", "کم":
		return Low, true
	}
	if slices.Contains(Severities(), Severity(t)) {
		return Severity(t), true
	}
	return "", false
}

// Rank orders severities: 0 for critical up to 3 for low; an untriaged incident
// (empty severity) ranks before all, since the 30-minute first response is owed.
func (s Severity) Rank() int {
	if s == "" {
		return -1
	}
	if i := slices.Index(Severities(), s); i >= 0 {
		return i
	}
	return len(Severities())
}

// Target is what the catalog promises for one severity, on the 24×7 clock.
type Target struct {
	Response   time.Duration
	Resolution time.Duration
}

// Targets reads the per-severity targets from the service's module_config settings
// (severity_<s>_response, severity_<s>_resolution, as Go durations). Every severity
// must have both, the response shorter than the resolution.
func Targets(svc *catalog.Service) (map[Severity]Target, error) {
	out := map[Severity]Target{}
	for _, s := range Severities() {
		var t Target
		for _, f := range []struct {
			name string
			into *time.Duration
		}{{"response", &t.Response}, {"resolution", &t.Resolution}} {
			key := "severity_" + string(s) + "_" + f.name
			raw, ok := svc.ModuleConfig.Settings[key]
			if !ok {
				return nil, fmt.Errorf("triage: %s: module_config.settings.%s missing", svc.ID, key)
			}
			d, err := time.ParseDuration(raw)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("triage: %s: module_config.settings.%s: want a positive duration, got %q", svc.ID, key, raw)
			}
			*f.into = d
		}
		if t.Response >= t.Resolution {
			return nil, fmt.Errorf("triage: %s: %s response %s is not shorter than resolution %s", svc.ID, s, t.Response, t.Resolution)
		}
		out[s] = t
	}
	return out, nil
}

// QueueEntry is one line of the incident queue, as sorting needs it.
type QueueEntry struct {
	TrackingCode string
	Severity     Severity
	// Due is when the next target falls (resolution once triaged); zero if none.
	Due time.Time
}

// Less orders the queue: severity first (untriaged, then critical … low), then the
// least time left, then tracking code so the order is total.
func Less(a, b QueueEntry) bool {
	if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
		return ra < rb
	}
	if !a.Due.Equal(b.Due) {
		if a.Due.IsZero() || b.Due.IsZero() {
			return !a.Due.IsZero()
		}
		return a.Due.Before(b.Due)
	}
	return a.TrackingCode < b.TrackingCode
}

// SortQueue sorts entries in queue order (see Less).
func SortQueue(entries []QueueEntry) {
	slices.SortStableFunc(entries, func(a, b QueueEntry) int {
		switch {
		case Less(a, b):
			return -1
		case Less(b, a):
			return 1
		}
		return 0
	})
}
