package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/itoir/miz/internal/demo"
)

// printBanner tells where the desk listens and, with --demo, the demo logins.
func printBanner(m *Main, took time.Duration) {
	fmt.Fprintf(m.Out, "Miz %s is ready at %s (started in %s)\n", version, m.URL(), took.Round(time.Millisecond))
	fmt.Fprintf(m.Out, "data: %s  database: %s\n", absPath(m.Config.Data), m.DB.Dialect)
	if !m.Config.Demo {
		return
	}
	if !isLoopback(m.ln.Addr()) {
		fmt.Fprintf(m.Out, "\n"+demoWarning+"\n", m.ln.Addr(), demo.Password)
	}
	fmt.Fprintf(m.Out, "\nDemo logins (password for all: %s)\n", demo.Password)
	for _, l := range demo.Logins() {
		totp := ""
		if l.TOTP {
			totp = "  + TOTP"
		}
		fmt.Fprintf(m.Out, "  %-18s %s%s\n", l.Username, l.Role, totp)
	}
	fmt.Fprintf(m.Out, "Staff TOTP secret (base32, add it to any authenticator app): %s\n", demo.TOTPSecret)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
