package incident

import (
	"errors"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/idna"
)

// Errors from the value rules; the form turns them into localised field errors.
var (
	errBadIP     = errors.New("not an IPv4 or IPv6 address or prefix")
	errBadDomain = errors.New("not a domain name")
	errBadHost   = errors.New("not a host name")
	errBadURL    = errors.New("not an http, https or ftp URL with a valid host")
	errBadEmail  = errors.New("not an e-mail address")
	errBadHash   = errors.New("not an MD5, SHA-1 or SHA-256 hash in hexadecimal")
)

// idnaProfile maps a Unicode domain (Persian included) to its ASCII (punycode) form
// under the lookup rules browsers use.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

var ldh = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`) })

// hostName normalises a host name: lower case, IDNA ASCII form, no final dot; each
// label letters/digits/hyphens of 1 to 63 characters, 253 in all, and a last label
// that is not all digits (so 999.1.1.1 is neither an IP address nor a name). With
// minLabels 2 it is a domain; 1 also allows a single-label host such as "fileserver".
func hostName(s string, minLabels int) (string, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" || len(s) > 253*4 {
		return "", false
	}
	a, err := idnaProfile.ToASCII(strings.ToLower(s))
	if err != nil || a == "" || len(a) > 253 {
		return "", false
	}
	labels := strings.Split(a, ".")
	if len(labels) < minLabels {
		return "", false
	}
	for _, l := range labels {
		if !ldh().MatchString(l) {
			return "", false
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "", false
	}
	return a, true
}

// normIP reads an address or a CIDR prefix with net/netip; a prefix is masked to its
// network (10.1.2.3/8 → 10.0.0.0/8) and IPv6 is written in its canonical form.
func normIP(s string) (string, bool, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return "", true, errBadIP
		}
		return p.Masked().String(), true, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", false, errBadIP
	}
	return a.Unmap().String(), false, nil
}

// normURL checks a URL's scheme and host and writes the scheme and host in lower
// case (the host in its IDNA form); path and query are kept as given.
func normURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", errBadURL
	}
	u.Scheme = strings.ToLower(u.Scheme)
	switch u.Scheme {
	case "http", "https", "ftp", "ftps", "ws", "wss":
	default:
		return "", errBadURL
	}
	host, port := u.Hostname(), u.Port()
	if a, _, err := normIP(host); err == nil {
		host = a
		if strings.Contains(a, ":") {
			host = "[" + a + "]"
		}
	} else if h, ok := hostName(host, 1); ok {
		host = h
	} else {
		return "", errBadURL
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", errBadURL
		}
		host += ":" + port
	}
	u.Host = host
	return u.String(), nil
}

// normEmail checks an address and writes its domain in lower case (IDNA form); the
// local part is kept, since it may be case-sensitive.
func normEmail(s string) (string, error) {
	at := strings.LastIndex(s, "@")
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " <>") {
		return "", errBadEmail
	}
	d, ok := hostName(s[at+1:], 2)
	if !ok {
		return "", errBadEmail
	}
	out := s[:at] + "@" + d
	if a, err := mail.ParseAddress(out); err != nil || a.Address != out {
		return "", errBadEmail
	}
	return out, nil
}

// hashType names a hexadecimal digest by its length.
func hashType(s string) (string, bool) {
	if strings.Trim(strings.ToLower(s), "0123456789abcdef") != "" {
		return "", false
	}
	switch len(s) {
	case 32:
		return MD5, true
	case 40:
		return SHA1, true
	case 64:
		return SHA256, true
	}
	return "", false
}
