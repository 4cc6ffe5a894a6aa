package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
)

const keysRevokeUsage = "usage: miz keys revoke KID --reason TEXT [--at RFC3339_TIME] [--data DIR] [--db URL]"

// runKeysRevoke is `miz keys revoke KID --reason … [--at TIME]` (issue 19, runbook
// "signing key compromised"): the key stays published, marked revoked from TIME (the
// compromise; default now) with the reason, so that `miz verify` refuses what it
// signed from then on and flags what it signed before. The revocation is written to
// the ring (durably, before anything else) and then to the audit chain as
// keys.revoked. The active key cannot be revoked: rotate first. Servers read the ring
// at start: restart every instance afterwards.
func runKeysRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// The key ID comes first: a thumbprint may itself begin with "-".
	if len(args) == 0 {
		fmt.Fprintln(stderr, keysRevokeUsage)
		return 2
	}
	kid := args[0]
	own, rest, ok := ownFlags(args[1:], []string{"reason", "at"}, nil)
	if !ok {
		fmt.Fprintln(stderr, keysRevokeUsage)
		return 2
	}
	reason, at := own["reason"], own["at"]
	if kid == "" || strings.HasPrefix(kid, "--") || strings.TrimSpace(reason) == "" {
		fmt.Fprintln(stderr, keysRevokeUsage)
		return 2
	}
	when := time.Now()
	if at != "" {
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			fmt.Fprintf(stderr, "miz keys revoke: --at %q: want an RFC 3339 time such as 2026-11-30T12:00:00Z: %v\n", at, err)
			return 2
		}
		when = t
	}
	cfg, _, err := loadConfig("keys revoke", rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, "keys revoke", err)
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
	k, err := ring.Revoke(kid, when, strings.TrimSpace(reason))
	if err != nil {
		fmt.Fprintln(stderr, "miz keys revoke:", err)
		return 1
	}
	code := 0
	if err := auditKeyEvent(ctx, cfg, "keys.revoked", k.ID, map[string]any{
		"compromised_at": k.Revoked.At.Format(time.RFC3339), "reason": k.Revoked.Reason}); err != nil {
		fmt.Fprintln(stderr, "miz keys revoke: revoked in the ring, but not audited:", err)
		code = 1
	}
	fmt.Fprintf(stdout, "revoked: %s from %s (%s); it stays published, marked revoked; restart every instance\n",
		k.ID, k.Revoked.At.Format(time.RFC3339), k.Revoked.Reason)
	printRing(stdout, ring)
	return code
}

// printRing lists the ring as `miz keys list` does: "*" marks the active key, and a
// revoked key shows from when and why.
func printRing(stdout io.Writer, ring *keys.Ring) {
	for _, k := range ring.Keys() {
		mark := " "
		if k.ID == ring.Active().ID {
			mark = "*"
		}
		fmt.Fprintf(stdout, "%s %s created %s", mark, k.ID, k.Created.UTC().Format(time.RFC3339))
		if k.Revoked != nil {
			fmt.Fprintf(stdout, " REVOKED from %s: %s", k.Revoked.At.UTC().Format(time.RFC3339), k.Revoked.Reason)
		}
		fmt.Fprintln(stdout)
	}
}

// auditKeyEvent records a change of the key ring in the desk's audit chain.
func auditKeyEvent(ctx context.Context, cfg Config, action, kid string, details map[string]any) error {
	db, err := openExisting(ctx, cfg)
	if err != nil {
		return err
	}
	if db == nil {
		return fmt.Errorf("no database in %s", cfg.Data)
	}
	defer db.Close()
	return db.Update(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, "system", action, "signing_key", kid, details)
	})
}
