package incident

import (
	"errors"
	"strings"
)

// Asset types: the affected systems of an incident.
const (
	AssetIP       = "ip"   // one IPv4 or IPv6 address
	AssetCIDR     = "cidr" // an IPv4 or IPv6 network
	AssetDomain   = "domain"
	AssetURL      = "url"
	AssetHostname = "hostname" // a host's name, single-label names allowed
)

// AssetTypes lists the asset types, in the order a page offers them.
func AssetTypes() []string {
	return []string{AssetIP, AssetCIDR, AssetDomain, AssetURL, AssetHostname}
}

// Asset is one affected system, typed and normalised.
type Asset struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

var (
	errUnknownType = errors.New("unknown type")
	errTooLong     = errors.New("longer than MaxValue")
)

// MaxValue bounds one asset or indicator, in bytes (a URL longer than this is
// not one a person pasted from a log).
const MaxValue = 2048

// NormalizeAsset checks one affected system against its type (or recognises the
// type when typ is empty) and returns it in canonical form.
func NormalizeAsset(raw, typ string) (Asset, error) {
	s := clean(raw)
	if len(s) > MaxValue {
		return Asset{}, errTooLong
	}
	typ = strings.ToLower(strings.TrimSpace(typ))
	if typ == "" {
		switch {
		case strings.Contains(s, "://"):
			typ = AssetURL
		case looksNumeric(s) || strings.Contains(s, ":"):
			typ = AssetIP
			if strings.Contains(s, "/") {
				typ = AssetCIDR
			}
		case strings.Contains(s, "."):
			typ = AssetDomain
		default:
			typ = AssetHostname
		}
	}
	switch typ {
	case AssetIP, AssetCIDR:
		v, prefix, err := normIP(s)
		if err != nil || prefix != (typ == AssetCIDR) {
			return Asset{}, errBadIP
		}
		return Asset{Type: typ, Value: v}, nil
	case AssetDomain, AssetHostname:
		min := 2
		if typ == AssetHostname {
			min = 1
		}
		v, ok := hostName(s, min)
		if !ok {
			if typ == AssetHostname {
				return Asset{}, errBadHost
			}
			return Asset{}, errBadDomain
		}
		return Asset{Type: typ, Value: v}, nil
	case AssetURL:
		v, err := normURL(s)
		return Asset{Type: typ, Value: v}, err
	}
	return Asset{}, errUnknownType
}
