package printlink

import (
	"net"
	"net/url"
)

// Loopback turns a listener's URL on an unspecified address (":8080", "0.0.0.0",
// "[::]") into one the printer on this machine can reach. The CERT desk's print
// pages and the registry's certificates (internal/pdf) are printed through it.
func Loopback(self string) string {
	u, err := url.Parse(self)
	if err != nil {
		return self
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return self
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		u.Host = net.JoinHostPort("127.0.0.1", port)
	}
	return u.String()
}
