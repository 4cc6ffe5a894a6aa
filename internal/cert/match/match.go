// Package match finds which constituent owns what a threat feed reports: the
// longest claimed prefix holding an IP address (IPv4 and IPv6 in one table), the
// claimed domain that is the longest suffix of a host name, or the claimed ASN
// (SLA M-4.3). It is a pure in-memory structure built once from verified assets and
// read by many goroutines; it never touches the database.
package match

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// Owner is who claimed the asset that matched: the organisation and the asset row.
type Owner struct {
	OrgID   int64
	AssetID int64
}

// By says which kind of asset decided a match.
type By string

// The kinds of match, most specific first: an address's prefix, a host's domain,
// the network's ASN.
const (
	ByNone   By = ""
	ByPrefix By = "prefix"
	ByDomain By = "domain"
	ByASN    By = "asn"
)

// Asset is one verified claim the matcher is built from. Kind is "prefix", "asn"
// or "domain"; other kinds (products) are ignored.
type Asset struct {
	Owner
	Kind  string
	Value string
}

// Matcher answers lookups; the zero value matches nothing. Build makes one.
type Matcher struct {
	ranges  []span // disjoint, sorted by start
	starts  []u128 // ranges' starts alone: the binary search reads only these
	asns    map[uint32]Owner
	domains map[string]Owner
}

// u128 is an address as a number: IPv4 lives in the IPv4-mapped IPv6 space, so
// both families share one sorted table.
type u128 struct{ hi, lo uint64 }

func (a u128) less(b u128) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }
func (a u128) cmp(b u128) int {
	if a == b {
		return 0
	}
	if a.less(b) {
		return -1
	}
	return 1
}

func (a u128) next() u128 {
	if a.lo == ^uint64(0) {
		return u128{a.hi + 1, 0}
	}
	return u128{a.hi, a.lo + 1}
}

func (a u128) prev() u128 {
	if a.lo == 0 {
		return u128{a.hi - 1, ^uint64(0)}
	}
	return u128{a.hi, a.lo - 1}
}

func toU128(a netip.Addr) u128 {
	b := a.As16()
	var x u128
	for i := range 8 {
		x.hi = x.hi<<8 | uint64(b[i])
		x.lo = x.lo<<8 | uint64(b[i+8])
	}
	return x
}

// span is a run of addresses owned by one asset's prefix (the most specific one).
type span struct {
	start, end u128
	owner      Owner
}

// ParsePrefix reads a claimed prefix in CIDR form, or a bare address as a host
// prefix, and returns it masked (so 10.1.2.3/8 is 10.0.0.0/8) and unmapped.
func ParsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("match: prefix %q: %w", s, err)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("match: prefix %q: %w", s, err)
	}
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// ParseASN reads "64500", "AS64500" or "as64500".
func ParseASN(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's') {
		s = s[2:]
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("match: ASN %q is not a number from 1 to 4294967295", s)
	}
	return uint32(n), nil
}

// profile lowercases ASCII and maps Unicode labels to punycode (IDNA 2008 lookup).
var profile = idna.Lookup

// NormalizeDomain returns a domain as the matcher keeps it: lower case, the
// trailing root dot trimmed, a leading "*." dropped, and an internationalised name
// in its punycode (A-label) form. An empty or malformed name is an error.
func NormalizeDomain(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	s = strings.TrimPrefix(s, "*.")
	if s == "" {
		return "", fmt.Errorf("match: empty domain")
	}
	if ascii, ok := lowerASCII(s); ok {
		if strings.Contains(ascii, "..") || strings.HasPrefix(ascii, ".") {
			return "", fmt.Errorf("match: domain %q has an empty label", s)
		}
		for i := 0; i < len(ascii); i++ {
			c := ascii[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
				return "", fmt.Errorf("match: domain %q: character %q", s, c)
			}
		}
		return ascii, nil
	}
	a, err := profile.ToASCII(s)
	if err != nil {
		return "", fmt.Errorf("match: domain %q: %w", s, err)
	}
	return strings.ToLower(a), nil
}

// lowerASCII lowercases s if it is all ASCII, without allocating when it already
// is lower case; ok is false for a name with non-ASCII characters.
func lowerASCII(s string) (string, bool) {
	upper := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return "", false
		}
		if c >= 'A' && c <= 'Z' {
			upper = true
		}
	}
	if upper {
		return strings.ToLower(s), true
	}
	return s, true
}

// Build makes a matcher from verified assets. Assets whose value does not parse are
// returned in bad (the caller decides whether that is an error); a prefix claimed
// twice goes to the lower asset ID, so the result does not depend on input order.
func Build(assets []Asset) (m *Matcher, bad []Asset) {
	m = &Matcher{asns: map[uint32]Owner{}, domains: map[string]Owner{}}
	type iv struct {
		start, end u128
		owner      Owner
	}
	var ivs []iv
	for _, a := range assets {
		switch a.Kind {
		case "prefix":
			p, err := ParsePrefix(a.Value)
			if err != nil {
				bad = append(bad, a)
				continue
			}
			start := toU128(p.Addr())
			last := lastAddr(p)
			ivs = append(ivs, iv{start, toU128(last), a.Owner})
		case "asn":
			n, err := ParseASN(a.Value)
			if err != nil {
				bad = append(bad, a)
				continue
			}
			if o, ok := m.asns[n]; !ok || a.AssetID < o.AssetID {
				m.asns[n] = a.Owner
			}
		case "domain":
			d, err := NormalizeDomain(a.Value)
			if err != nil {
				bad = append(bad, a)
				continue
			}
			if o, ok := m.domains[d]; !ok || a.AssetID < o.AssetID {
				m.domains[d] = a.Owner
			}
		}
	}
	// Outer prefixes first; for the same prefix the preferred (lowest asset ID)
	// comes last, so it is the innermost on the stack and wins.
	slices.SortFunc(ivs, func(a, b iv) int {
		if c := a.start.cmp(b.start); c != 0 {
			return c
		}
		if c := b.end.cmp(a.end); c != 0 {
			return c
		}
		return cmp.Compare(b.owner.AssetID, a.owner.AssetID)
	})
	var out []span
	emit := func(s, e u128, o Owner) {
		if e.less(s) {
			return
		}
		if n := len(out); n > 0 && out[n-1].owner == o && out[n-1].end.next() == s {
			out[n-1].end = e
			return
		}
		out = append(out, span{s, e, o})
	}
	var stack []iv
	var cur u128
	done := false // cur has run past the top of the address space
	pop := func() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !done && !top.end.less(cur) {
			emit(cur, top.end, top.owner)
			if top.end == (u128{^uint64(0), ^uint64(0)}) {
				done = true
			} else {
				cur = top.end.next()
			}
		}
	}
	for _, p := range ivs {
		for len(stack) > 0 && stack[len(stack)-1].end.less(p.start) {
			pop()
		}
		if len(stack) > 0 && !done && cur.less(p.start) {
			emit(cur, p.start.prev(), stack[len(stack)-1].owner)
		}
		if len(stack) == 0 || cur.less(p.start) {
			cur, done = p.start, false
		}
		stack = append(stack, p)
	}
	for len(stack) > 0 {
		pop()
	}
	m.ranges = out
	m.starts = make([]u128, len(out))
	for i, s := range out {
		m.starts[i] = s.start
	}
	return m, bad
}

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As16()
	bits := p.Bits()
	if p.Addr().Is4() {
		bits += 96
	}
	for i := bits; i < 128; i++ {
		b[i/8] |= 1 << (7 - uint(i%8))
	}
	return netip.AddrFrom16(b)
}

// Len returns how many disjoint address ranges, ASNs and domains the matcher holds.
func (m *Matcher) Len() (ranges, asns, domains int) {
	return len(m.ranges), len(m.asns), len(m.domains)
}

// IP returns the owner of the longest claimed prefix holding a.
func (m *Matcher) IP(a netip.Addr) (Owner, bool) {
	if !a.IsValid() || len(m.ranges) == 0 {
		return Owner{}, false
	}
	x := toU128(a)
	// i becomes the number of spans starting at or before x.
	i, n := 0, len(m.starts)
	for i < n {
		h := int(uint(i+n) >> 1)
		if st := m.starts[h]; st.hi < x.hi || (st.hi == x.hi && st.lo <= x.lo) {
			i = h + 1
		} else {
			n = h
		}
	}
	if i == 0 {
		return Owner{}, false
	}
	s := m.ranges[i-1]
	if s.end.less(x) {
		return Owner{}, false
	}
	return s.owner, true
}

// ASN returns the owner of a claimed autonomous system number.
func (m *Matcher) ASN(n uint32) (Owner, bool) {
	o, ok := m.asns[n]
	return o, ok && n != 0
}

// Domain returns the owner of the longest claimed domain that is host itself or a
// parent of it. host is normalised as NormalizeDomain does.
func (m *Matcher) Domain(host string) (Owner, bool) {
	if len(m.domains) == 0 || host == "" {
		return Owner{}, false
	}
	h, err := NormalizeDomain(host)
	if err != nil {
		return Owner{}, false
	}
	for {
		if o, ok := m.domains[h]; ok {
			return o, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return Owner{}, false
		}
		h = h[i+1:]
	}
}

// Event is what a lookup needs from one feed row: any of an address, a host name
// and an ASN may be missing.
type Event struct {
	IP   netip.Addr
	Host string
	ASN  uint32
}

// Match returns the owner of an event, deciding by the most specific evidence: the
// address's prefix, then the host's domain, then the ASN.
func (m *Matcher) Match(e Event) (Owner, By) {
	if o, ok := m.IP(e.IP); ok {
		return o, ByPrefix
	}
	if o, ok := m.Domain(e.Host); ok {
		return o, ByDomain
	}
	if o, ok := m.ASN(e.ASN); ok {
		return o, ByASN
	}
	return Owner{}, ByNone
}
