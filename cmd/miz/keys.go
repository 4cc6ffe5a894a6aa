package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/itoir/miz/internal/keys"
)

const keysUsage = "usage: miz keys <list|rotate> [--data DIR] [--db URL] | miz keys revoke KID --reason TEXT [--at TIME] | miz keys resign [--kid KID] [--batch N] [--dry-run]"

// runKeys is `miz keys list` (the signing key ring: key IDs, creation times, which is
// active) and `miz keys rotate` (a new active key; the older ones stay published so
// that what they signed keeps verifying). Servers read the ring at start: restart every
// instance after a rotation. The rotation is audited when the desk's database opens.
func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "revoke" { // issue 19: a compromised key
		return runKeysRevoke(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "resign" { // issue 19: its live certificates signed again
		return runKeysResign(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "rotate") {
		fmt.Fprintln(stderr, keysUsage)
		return 2
	}
	cfg, _, err := loadConfig("keys "+args[0], args[1:], os.Getenv)
	if err != nil {
		return usageErr(stderr, "keys "+args[0], err)
	}
	if _, err := os.Stat(filepath.Join(keysDir(cfg), "ring.json")); err != nil {
		fmt.Fprintf(stderr, "miz keys: no key ring in %s (is --data right?): %v\n", keysDir(cfg), err)
		return 1
	}
	ring, err := keys.Open(keysDir(cfg), time.Now)
	if err != nil {
		fmt.Fprintln(stderr, "miz keys:", err)
		return 1
	}
	if args[0] == "rotate" {
		old := ring.Active()
		k, err := ring.Rotate()
		if err != nil {
			fmt.Fprintln(stderr, "miz keys rotate:", err)
			return 1
		}
		if err := auditRotation(ctx, cfg, old.ID, k.ID); err != nil {
			fmt.Fprintln(stderr, "miz keys rotate: rotated, but not audited:", err)
		}
		fmt.Fprintf(stdout, "rotated: %s is active, %s stays published for verification; restart every instance\n", k.ID, old.ID)
	}
	printRing(stdout, ring)
	return 0
}

// auditRotation records the rotation in the desk's audit chain.
func auditRotation(ctx context.Context, cfg Config, from, to string) error {
	return auditKeyEvent(ctx, cfg, "keys.rotated", to, map[string]any{"previous": from})
}

// ownFlags takes out of args the flags a keys subcommand reads itself (valued:
// "--name value" or "--name=value"; switches: "--name", set to "true") and returns
// them with the rest, which loadConfig reads. ok is false when a valued flag has no
// value.
func ownFlags(args, valued, switches []string) (own map[string]string, rest []string, ok bool) {
	own = map[string]string{}
	for i := 0; i < len(args); i++ {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch {
		case strings.HasPrefix(args[i], "-") && slices.Contains(valued, name):
			if !hasVal {
				if i+1 >= len(args) {
					return nil, nil, false
				}
				i++
				val = args[i]
			}
			own[name] = val
		case strings.HasPrefix(args[i], "-") && slices.Contains(switches, name):
			own[name] = "true"
		default:
			rest = append(rest, args[i])
		}
	}
	return own, rest, true
}
