package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/store"
)

// runEvidenceKey is `miz cert evidence-key status|rotate|rewrap|destroy-retired`:
// rotation of the key that wraps each evidence file's data key (issue 15's
// encryption at rest, issue 19's key runbooks). rotate makes a new key, keeps the
// old one retired, and rewraps every file under the new key in batches with
// progress; servers already running find the new key on their first read of a
// rewrapped file and keep wrapping new files with the old key until restarted, so
// the runbook is rotate, restart every instance, rewrap (catches what they wrote
// meanwhile), destroy-retired.
func runEvidenceKey(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, certUsage)
		return 2
	}
	verb := args[0]
	cfg, _, err := loadConfig("cert evidence-key "+verb, args[1:], os.Getenv)
	if err != nil {
		if errors.Is(err, errHelp) || errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return usageErr(stderr, "cert evidence-key", err)
	}
	switch verb {
	case "status", "rotate", "rewrap", "destroy-retired":
	default:
		fmt.Fprintln(stderr, certUsage)
		return 2
	}
	db, err := openExisting(ctx, cfg)
	if err == nil && db == nil {
		err = fmt.Errorf("no database in %s (is --data right?)", cfg.Data)
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz cert evidence-key:", err)
		return 1
	}
	defer db.Close()
	ring, cur, err := evidence.OpenKeyring(keysDir(cfg))
	if err != nil {
		fmt.Fprintln(stderr, "miz cert evidence-key:", err)
		return 1
	}
	if verb == "rotate" {
		old, next, err := ring.Rotate()
		if err != nil {
			fmt.Fprintln(stderr, "miz cert evidence-key rotate:", err)
			return 1
		}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, "system", "cert.evidence.key_rotated", "evidence_key", next.ID(),
				map[string]any{"retired": old.ID()})
		}); err != nil {
			fmt.Fprintln(stderr, "miz cert evidence-key rotate: rotated, but not audited:", err)
			return 1
		}
		fmt.Fprintf(stdout, "new evidence key %s; %s retired (kept until no file needs it)\n", next.ID(), old.ID())
		cur = next
	}
	svc := &evidence.Service{DB: db, Key: cur, Ring: ring}
	if verb == "rotate" || verb == "rewrap" {
		start := time.Now()
		n, err := svc.Rewrap(ctx, 500, func(done, total int) {
			fmt.Fprintf(stderr, "\rrewrapped %d/%d files (%.0f/s)", done, total, float64(done)/max(time.Since(start).Seconds(), 1e-3))
		})
		if n > 0 {
			fmt.Fprintln(stderr)
		}
		if err != nil {
			fmt.Fprintln(stderr, "miz cert evidence-key:", err, "(run `miz cert evidence-key rewrap` to finish)")
			return 1
		}
		if n == 0 {
			fmt.Fprintf(stdout, "every file is already under %s: nothing to rewrap\n", cur.ID())
		} else {
			fmt.Fprintf(stdout, "rewrapped %d files under %s in %s\n", n, cur.ID(), time.Since(start).Round(time.Millisecond))
		}
	}
	use, err := svc.KeyUse(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "miz cert evidence-key:", err)
		return 1
	}
	retired, err := ring.Retired()
	if err != nil {
		fmt.Fprintln(stderr, "miz cert evidence-key:", err)
		return 1
	}
	code := 0
	if verb == "destroy-retired" {
		ids := sortedKeys(retired)
		for _, id := range ids {
			if use[id] > 0 {
				fmt.Fprintf(stderr, "kept %s: %d files still need it (run rewrap after restarting every instance)\n", id, use[id])
				code = 1
				continue
			}
			if err := ring.Destroy(id); err != nil {
				fmt.Fprintln(stderr, "miz cert evidence-key:", err)
				return 1
			}
			if err := db.Update(ctx, func(tx *store.Tx) error {
				return audit.Record(ctx, tx, "system", "cert.evidence.key_destroyed", "evidence_key", id, nil)
			}); err != nil {
				fmt.Fprintln(stderr, "miz cert evidence-key: destroyed, but not audited:", err)
				return 1
			}
			delete(retired, id)
			fmt.Fprintf(stdout, "destroyed retired key %s\n", id)
		}
	}
	fmt.Fprintf(stdout, "* %s current: %d files\n", cur.ID(), use[cur.ID()])
	for _, id := range sortedKeys(retired) {
		fmt.Fprintf(stdout, "  %s retired: %d files\n", id, use[id])
	}
	for id, n := range use {
		if _, ok := retired[id]; !ok && id != cur.ID() {
			fmt.Fprintf(stdout, "! %s MISSING: %d files cannot be opened\n", id, n)
			code = 1
		}
	}
	return code
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
