package httpauth

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of CIDRs (a bare address is a
// single-host range).
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("httpauth: trusted proxy %q: %w", f, err)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("httpauth: trusted proxy %q: %w", f, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return strings.Trim(host, "[]")
}

func (a *Auth) trusted(s string) bool {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range a.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// clientIP finds the client's address (Security #4): the connection's peer, unless it
// is a trusted proxy; then the forwarding headers are walked from the right (the hop
// the trusted proxy itself added) and the first address not in a trusted range is the
// client. Forwarded (RFC 7239) is preferred over X-Forwarded-For when present.
func (a *Auth) clientIP(r *http.Request) string {
	peer := remoteIP(r)
	if a == nil || len(a.TrustedProxies) == 0 || !a.trusted(peer) {
		return peer
	}
	hops := forwardedFor(r.Header.Values("Forwarded"))
	if len(hops) == 0 {
		for _, v := range r.Header.Values("X-Forwarded-For") {
			for h := range strings.SplitSeq(v, ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		h := normalizeHop(hops[i])
		if h == "" {
			return peer // garbage in the chain: believe nothing beyond this point
		}
		if !a.trusted(h) {
			return h
		}
	}
	return peer
}

// forwardedFor returns the for= values of Forwarded headers, in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for elem := range strings.SplitSeq(v, ",") {
			for pair := range strings.SplitSeq(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, strings.Trim(val, `"`))
				}
			}
		}
	}
	return out
}

// normalizeHop turns "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:80" or "2001:db8::1"
// into an address; anything else (obfuscated identifiers, "unknown") into "".
func normalizeHop(h string) string {
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip.Unmap().String()
	}
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr().Unmap().String()
	}
	if ip, err := netip.ParseAddr(strings.Trim(h, "[]")); err == nil {
		return ip.Unmap().String()
	}
	return ""
}

// defaultRetryAfter is the Retry-After of a 429 whose cause does not say how long.
const defaultRetryAfter = 60

// SetRetryAfter sets the Retry-After header (whole seconds) of a 429 answer from the
// wait err carries (an error with RetryAfterSeconds, e.g. *identity.RateLimitError),
// or a minute. Security #4.
func SetRetryAfter(w http.ResponseWriter, err error) {
	secs := defaultRetryAfter
	var ra interface{ RetryAfterSeconds() int }
	if errors.As(err, &ra) {
		secs = ra.RetryAfterSeconds()
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
}
