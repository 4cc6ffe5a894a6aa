package incident

import (
	"strings"

	"github.com/itoir/miz/internal/cert/tlp"
)

// Indicator types (the observables an incident report carries).
const (
	IP     = "ip" // an IPv4 or IPv6 address or CIDR prefix
	Domain = "domain"
	URL    = "url"
	Email  = "email"
	MD5    = "md5"
	SHA1   = "sha1"
	SHA256 = "sha256"
)

// IndicatorTypes lists the indicator types, in the order a page offers them.
func IndicatorTypes() []string { return []string{IP, Domain, URL, Email, MD5, SHA1, SHA256} }

// Indicator is one normalised observable of an incident.
type Indicator struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	// TLP is the indicator's own label; zero means the incident's.
	TLP tlp.Level `json:"tlp,omitempty"`
}

// Key identifies an indicator for de-duplication.
func (i Indicator) Key() string { return i.Type + "\x00" + i.Value }

// NormalizeIndicator reads one indicator as a person or a feed writes it — defanged
// or not, Persian digits or ASCII — and returns it typed and in canonical form:
// hashes and domains in lower case, domains in IDNA ASCII, IP prefixes masked. typ
// may name the type, or be empty to recognise it. The error is one of the err*
// values of this package, never a problem.Error: the form places it on a field.
func NormalizeIndicator(raw, typ string) (Indicator, error) {
	s := clean(raw)
	if len(s) > MaxValue {
		return Indicator{}, errTooLong
	}
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ == "" {
		typ = detectIndicator(s)
	}
	switch typ {
	case IP, "ipv4", "ipv6", "ip-dst", "ip-src", "cidr":
		v, _, err := normIP(s)
		return Indicator{Type: IP, Value: v}, err
	case Domain, "hostname":
		v, ok := hostName(s, 2)
		if !ok {
			return Indicator{}, errBadDomain
		}
		return Indicator{Type: Domain, Value: v}, nil
	case URL:
		v, err := normURL(s)
		return Indicator{Type: URL, Value: v}, err
	case Email, "email-src", "e-mail":
		v, err := normEmail(s)
		return Indicator{Type: Email, Value: v}, err
	case MD5, SHA1, SHA256, "sha-1", "sha-256", "hash":
		h, ok := hashType(s)
		want := strings.ReplaceAll(typ, "-", "")
		if !ok || (want != "hash" && want != h) {
			return Indicator{}, errBadHash
		}
		return Indicator{Type: h, Value: strings.ToLower(s)}, nil
	}
	return Indicator{}, errUnknownType
}

// detectIndicator guesses the type of a cleaned entry from its shape.
func detectIndicator(s string) string {
	switch {
	case strings.Contains(s, "://"):
		return URL
	case strings.Contains(s, "@"):
		return Email
	}
	if _, ok := hashType(s); ok {
		return "hash"
	}
	if looksNumeric(s) || strings.Contains(s, ":") {
		return IP
	}
	return Domain
}

// looksNumeric reports whether s is made of digits, dots and at most one slash, as
// an IPv4 address or prefix is: such an entry is judged as an address, so 999.1.1.1
// is refused as a bad address rather than accepted as a name.
func looksNumeric(s string) bool {
	return s != "" && strings.Trim(s, "0123456789./") == ""
}

// Dedupe keeps the first of each (type, value), in order; a later duplicate with a
// more restrictive label raises the kept one's label, so merging never widens an
// audience.
func Dedupe(in []Indicator) []Indicator {
	seen := make(map[string]int, len(in))
	out := make([]Indicator, 0, len(in))
	for _, i := range in {
		if at, ok := seen[i.Key()]; ok {
			if i.TLP > out[at].TLP {
				out[at].TLP = i.TLP
			}
			continue
		}
		seen[i.Key()] = len(out)
		out = append(out, i)
	}
	return out
}
