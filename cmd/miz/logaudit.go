package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/keys"
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
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, nil); err != nil {
		db.Close()
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
	exp, err := certify.ExpectedRecords(ctx, reg.DB)
	if err != nil {
		fmt.Fprintln(stderr, "miz log audit:", err)
		return 1
	}
	div, err := reg.Log.AuditAgainst(ctx, exp)
	if err != nil {
		fmt.Fprintln(stderr, "miz log audit:", err)
		return 1
	}
	for _, d := range div {
		fmt.Fprintln(stdout, d.String())
	}
	if len(div) > 0 {
		fmt.Fprintf(stderr, "miz log audit: %d divergences between the log and the certificate tables\n", len(div))
		return 1
	}
	fmt.Fprintf(stdout, "log %s: %d records, all match the certificate tables\n", reg.Log.Origin(), len(exp))
	return 0
}
