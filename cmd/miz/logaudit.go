package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/itoir/miz/internal/tlog"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/itoir/miz/internal/api"
	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/slareport"
	"github.com/itoir/miz/internal/store"
)

// keysDir is where the signing key ring lives inside --data.
func keysDir(cfg Config) string { return filepath.Join(cfg.Data, "keys") }

// logOrigin names the transparency log after the desk's public URL.
func logOrigin(cfg Config) string {
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
		return u.Host + "/log"
	}
	return "miz.localhost/log"
}

// openRegistry opens the database, key ring and log the way serve does.
func openRegistry(ctx context.Context, cfg Config) (*certify.Registry, error) {
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return nil, err
	}
	reg, err := newRegistry(db, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	return reg, nil
}

// newRegistry opens the key ring and the transparency log over db: the one place
// that decides where keys live and what the log is called, for serve and the tools.
func newRegistry(db *store.DB, cfg Config) (*certify.Registry, error) {
	ring, err := keys.Open(keysDir(cfg), time.Now)
	if err != nil {
		return nil, err
	}
	l, err := certify.NewLog(db, ring, logOrigin(cfg))
	if err != nil {
		return nil, err
	}
	return &certify.Registry{DB: db, Keys: ring, Log: l, BaseURL: cfg.BaseURL, Issuer: certify.DefaultIssuer(cfg.BaseURL)}, nil
}

// runLog is `miz log audit [--data DIR] [--db URL]`: it rebuilds the records the
// log should hold from the certificate tables and reports every divergence.
func runLog(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "audit" {
		fmt.Fprintln(stderr, "usage: miz log audit [--data DIR] [--db URL]")
		return 2
	}
	cfg, _, err := loadConfig("log audit", args[1:], os.Getenv)
	if err != nil {
		if errors.Is(err, errHelp) {
			return 0
		}
		return usageErr(stderr, "log audit", err)
	}
	reg, err := openRegistry(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "miz log audit:", err)
		return 1
	}
	defer reg.DB.Close()
	// The desk may append (an expiry, a report) between reading the tables and
	// reading the log: a divergence is read again, twice, before it is reported; a
	// real one stays.
	var exp [][]byte
	var div []tlog.Divergence
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(200 * time.Millisecond)
		}
		if exp, err = expectedLog(ctx, reg.DB); err != nil {
			fmt.Fprintln(stderr, "miz log audit:", err)
			return 1
		}
		att, err := course.ExpectedRecords(ctx, reg.DB) // certificates of attendance share the log (M-4.2)
		if err != nil {
			fmt.Fprintln(stderr, "miz log audit:", err)
			return 1
		}
		exp = course.MergeExpected(exp, att)
		if div, err = reg.Log.AuditAgainst(ctx, exp); err != nil {
			fmt.Fprintln(stderr, "miz log audit:", err)
			return 1
		}
		if len(div) == 0 {
			break
		}
	}
	for _, d := range div {
		fmt.Fprintln(stdout, d.String())
	}
	if len(div) > 0 {
		fmt.Fprintf(stderr, "miz log audit: %d divergences between the log and the certificate and report tables\n", len(div))
		return 1
	}
	fmt.Fprintf(stdout, "log %s: %d records, all match the certificate and report tables\n", reg.Log.Origin(), len(exp))
	return 0
}

// auditOrigin names the audit chain's signed anchors after the desk's public URL.
func auditOrigin(cfg Config) string {
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
		return u.Host + "/audit"
	}
	return "miz.localhost/audit"
}

// auditAnchorFile is where each signed anchor is also appended, outside the database.
func auditAnchorFile(cfg Config) string { return filepath.Join(cfg.Data, "audit-anchors.log") }

// newAnchorer signs the audit chain's head with the desk's key ring (security #11).
func newAnchorer(db *store.DB, ring *keys.Ring, cfg Config) *audit.Anchorer {
	return &audit.Anchorer{DB: db, Keys: ring, Name: auditOrigin(cfg), File: auditAnchorFile(cfg)}
}

// publishedAuditHead answers GET /api/v1/audit/head from an.
func publishedAuditHead(an *audit.Anchorer) func(ctx context.Context) (api.AuditHead, error) {
	return func(ctx context.Context) (api.AuditHead, error) {
		a, err := an.Latest(ctx)
		if errors.Is(err, audit.ErrNoAnchor) {
			return api.AuditHead{}, api.ErrNoAuditHead
		}
		if err != nil {
			return api.AuditHead{}, err
		}
		vkey, err := an.VerifierKey()
		if err != nil {
			return api.AuditHead{}, err
		}
		return api.AuditHead{Anchor: a.Number, Entries: a.Entries, Head: a.Head, SignedAt: a.At.UTC(), Note: a.Note, VerifierKey: vkey}, nil
	}
}

const auditUsage = `usage: miz audit verify [--data DIR] [--db URL] [--expect-head ENTRIES:HASH] [--expect-anchor FILE]
       miz audit anchor [--data DIR] [--db URL]`

// runAudit is `miz audit verify` and `miz audit anchor`.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "anchor") {
		fmt.Fprintln(stderr, auditUsage)
		return 2
	}
	name := "audit " + args[0]
	expectHead, rest := takeFlag(args[1:], "expect-head")
	expectFile, rest := takeFlag(rest, "expect-anchor")
	cfg, _, err := loadConfig(name, rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, name, err)
	}
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		fmt.Fprintf(stderr, "miz %s: %v\n", name, err)
		return 1
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		fmt.Fprintf(stderr, "miz %s: %v\n", name, err)
		return 1
	}
	if args[0] == "anchor" {
		return auditAnchor(ctx, db, cfg, stdout, stderr)
	}
	an := newAnchorer(db, nil, cfg)
	// Verifying never makes keys: without the desk's ring, anchors simply fail to verify.
	if _, err := os.Stat(filepath.Join(keysDir(cfg), "ring.json")); err == nil {
		if an.Keys, err = keys.Open(keysDir(cfg), time.Now); err != nil {
			fmt.Fprintf(stderr, "miz %s: %v\n", name, err)
			return 1
		}
	}
	return auditVerify(ctx, an, expectHead, expectFile, stdout, stderr)
}

// auditVerify walks the chain and holds it to every anchor kept and to the heads the
// operator passed; it prints one FAIL line per problem and exits 1 if there is any.
func auditVerify(ctx context.Context, an *audit.Anchorer, expectHead, expectFile string, stdout, stderr io.Writer) int {
	anchors, findings, err := an.Anchors(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "miz audit verify:", err)
		return 1
	}
	stored := len(anchors)
	if expectHead != "" {
		a, err := audit.ParseExpectedHead(expectHead, "--expect-head")
		if err != nil {
			fmt.Fprintln(stderr, "miz audit verify:", err)
			return 2
		}
		anchors = append(anchors, a)
	}
	if expectFile != "" {
		raw, err := os.ReadFile(expectFile)
		if err != nil {
			fmt.Fprintln(stderr, "miz audit verify:", err)
			return 2
		}
		kept, f := an.ReadNotes(raw, expectFile)
		anchors, findings = append(anchors, kept...), append(findings, f...)
	}
	res, more, err := audit.VerifyAnchored(ctx, an.DB, anchors, func(n int64) { fmt.Fprintf(stderr, "checked %d entries\n", n) })
	var bad *audit.BadEntryError
	if errors.As(err, &bad) {
		fmt.Fprintf(stdout, "FAIL: entry %d: %s\n", bad.Seq, bad.Reason)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "miz audit verify:", err)
		return 1
	}
	findings = append(findings, more...)
	for _, f := range findings {
		if f.Untrusted { // issue 19: signed by a compromised key; not held against the chain
			fmt.Fprintf(stdout, "NOT TRUSTED, ignored: %s\n", f.Message)
		}
	}
	if problems := audit.Problems(findings); len(problems) > 0 {
		for _, f := range problems {
			fmt.Fprintf(stdout, "FAIL: %s\n", f.Message)
		}
		fmt.Fprintf(stderr, "miz audit verify: %d problems: the chain of %d entries does not match what was signed or kept\n", len(problems), res.Entries)
		return 1
	}
	held := fmt.Sprintf("%d signed anchors", stored)
	if stored == 0 {
		held = "no signed anchors yet"
	}
	if extra := len(anchors) - stored; extra > 0 {
		held += fmt.Sprintf(" and %d kept heads", extra)
	}
	fmt.Fprintf(stdout, "ok: %d entries, matching %s\n%s\n", res.Entries, held, res.Head)
	return 0
}

// auditAnchor signs the chain's head now (unless the latest anchor already covers it)
// and prints the signed note.
func auditAnchor(ctx context.Context, db *store.DB, cfg Config, stdout, stderr io.Writer) int {
	ring, err := keys.Open(keysDir(cfg), time.Now)
	if err != nil {
		fmt.Fprintln(stderr, "miz audit anchor:", err)
		return 1
	}
	a, fresh, err := newAnchorer(db, ring, cfg).Anchor(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "miz audit anchor:", err)
		if errors.Is(err, audit.ErrNotExtending) {
			fmt.Fprintln(stderr, "run `miz audit verify` to see what changed")
		}
		return 1
	}
	state := "already anchored"
	if fresh {
		state = "signed now"
	}
	fmt.Fprintf(stdout, "anchor #%d (%s): %d entries, head %s\n\n%s", a.Number, state, a.Entries, a.Head, a.Note)
	return 0
}

// expectedLog rebuilds every record the log should hold, in log order, from the
// tables of each register that appends to it: certificates, SLA reports and case
// statements (issue 20).
func expectedLog(ctx context.Context, db *store.DB) ([][]byte, error) {
	idx, recs, err := certify.ExpectedIndexed(ctx, db)
	if err != nil {
		return nil, err
	}
	all := make([]slareport.Indexed, len(idx))
	for i := range idx {
		all[i] = slareport.Indexed{Index: idx[i], Record: recs[i]}
	}
	more, err := slareport.ExpectedRecords(ctx, db)
	if err != nil {
		return nil, err
	}
	all = append(all, more...)
	slices.SortFunc(all, func(a, b slareport.Indexed) int { return cmp.Compare(a.Index, b.Index) })
	out := make([][]byte, len(all))
	for i, r := range all {
		out[i] = r.Record
	}
	return out, nil
}
