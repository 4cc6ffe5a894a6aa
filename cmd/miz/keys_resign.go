package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/store"
)

const keysResignUsage = "usage: miz keys resign [--kid KID] [--batch N] [--dry-run] [--data DIR] [--db URL]"

// runKeysResign is `miz keys resign` (issue 19, runbook "signing key compromised",
// after `miz keys rotate` and `miz keys revoke`): every live certificate and
// certificate of attendance signed by a revoked key (or by --kid) is signed again
// with the active key, in batches of one transaction each, with progress on stderr.
// Each gets a "resigned" record in the transparency log and an audit entry; the run
// is summed up in the audit chain as keys.resigned. Safe to interrupt and repeat.
func runKeysResign(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	own, rest, ok := ownFlags(args, []string{"kid", "batch"}, []string{"dry-run"})
	if !ok {
		fmt.Fprintln(stderr, keysResignUsage)
		return 2
	}
	kid, batch, dry := own["kid"], 200, own["dry-run"] == "true"
	if val, set := own["batch"]; set {
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > 10000 {
			fmt.Fprintf(stderr, "miz keys resign: --batch %q: want a number from 1 to 10000\n", val)
			return 2
		}
		batch = n
	}
	cfg, _, err := loadConfig("keys resign", rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, "keys resign", err)
	}
	if _, err := os.Stat(filepath.Join(keysDir(cfg), "ring.json")); err != nil {
		fmt.Fprintf(stderr, "miz keys: no key ring in %s (is --data right?): %v\n", keysDir(cfg), err)
		return 1
	}
	db, err := openExisting(ctx, cfg)
	if err == nil && db == nil {
		err = fmt.Errorf("no database in %s (is --data right?)", cfg.Data)
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz keys resign:", err)
		return 1
	}
	defer db.Close()
	reg, err := newRegistry(db, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "miz keys resign:", err)
		return 1
	}
	active := reg.Keys.Active().ID
	var replace []string
	if kid != "" {
		if _, ok := reg.Keys.Lookup(kid); !ok {
			fmt.Fprintf(stderr, "miz keys resign: no key %s in the ring\n", kid)
			return 1
		}
		if kid == active {
			fmt.Fprintf(stderr, "miz keys resign: %s is the active key; rotate first (miz keys rotate)\n", kid)
			return 1
		}
		replace = []string{kid}
	} else {
		for _, k := range reg.Keys.Keys() {
			if k.Revoked != nil {
				replace = append(replace, k.ID)
			}
		}
	}
	if len(replace) == 0 {
		fmt.Fprintln(stdout, "no revoked key in the ring: nothing to re-sign (name one with --kid)")
		return 0
	}
	needs := func(k string) bool {
		for _, r := range replace {
			if k == r {
				return true
			}
		}
		return false
	}
	verb := "re-signed"
	if dry {
		verb = "to re-sign"
	}
	begin, start := time.Now(), time.Now()
	show := func(what string) func(seen, total, resigned int) {
		return func(seen, total, resigned int) {
			fmt.Fprintf(stderr, "\r%s: %d/%d looked at, %d %s (%.0f/s)", what, seen, total, resigned, verb,
				float64(seen)/max(time.Since(start).Seconds(), 1e-3))
		}
	}
	certs, err := reg.Resign(ctx, certify.ResignOptions{Needs: needs, Batch: batch, DryRun: dry, Actor: "system",
		Progress: show("certificates")})
	fmt.Fprintln(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "miz keys resign: %v (%d re-signed before it; run again to finish)\n", err, certs)
		return 1
	}
	courses := &course.Courses{DB: db, Keys: reg.Keys, Log: reg.Log}
	start = time.Now()
	attendance, err := courses.Resign(ctx, needs, batch, dry, "system", show("certificates of attendance"))
	fmt.Fprintln(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "miz keys resign: %v (%d re-signed before it; run again to finish)\n", err, attendance)
		return 1
	}
	if dry {
		fmt.Fprintf(stdout, "dry run: %d certificates and %d certificates of attendance are signed by %s\n",
			certs, attendance, strings.Join(replace, ", "))
		return 0
	}
	if certs+attendance == 0 {
		fmt.Fprintf(stdout, "nothing to re-sign: no live certificate is signed by %s\n", strings.Join(replace, ", "))
		return 0
	}
	if err := db.Update(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, "system", "keys.resigned", "signing_key", active, map[string]any{
			"replaced": replace, "certificates": certs, "attendance_certificates": attendance})
	}); err != nil {
		fmt.Fprintln(stderr, "miz keys resign: re-signed, but the summary was not audited:", err)
		return 1
	}
	fmt.Fprintf(stdout, "re-signed %d certificates and %d certificates of attendance with %s (were %s) in %s; registries serve the new copies now\n",
		certs, attendance, active, strings.Join(replace, ", "), time.Since(begin).Round(time.Millisecond))
	return 0
}
