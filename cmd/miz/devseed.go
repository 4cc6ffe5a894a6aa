package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

// runDev is `miz dev seed --certificates N [--data DIR] [--db URL]`: it issues N
// synthetic certificates for the registry search benchmark. Never in production.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "seed" {
		fmt.Fprintln(stderr, "usage: miz dev seed --certificates N | --applicants N --tokens FILE [--data DIR] [--db URL]")
		return 2
	}
	for _, a := range args[1:] {
		if a == "--applicants" || a == "-applicants" {
			return runDevApplicants(ctx, args[1:], stdout, stderr)
		}
	}
	n := 0
	var rest []string
	for i := 1; i < len(args); i++ {
		if args[i] == "--certificates" || args[i] == "-certificates" {
			if i+1 < len(args) {
				fmt.Sscan(args[i+1], &n)
				i++
			}
			continue
		}
		rest = append(rest, args[i])
	}
	cfg, _, err := loadConfig("dev seed", rest, os.Getenv)
	if err != nil {
		if errors.Is(err, errHelp) || errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return usageErr(stderr, "dev seed", err)
	}
	if n <= 0 {
		fmt.Fprintln(stderr, "miz dev seed: --certificates N (N > 0) is required")
		return 2
	}
	reg, err := openRegistry(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "miz dev seed:", err)
		return 1
	}
	defer reg.DB.Close()
	reg.Validity.Amount, reg.Validity.Unit = 2, "years"
	start := time.Now()
	err = reg.SeedBulk(ctx, n, func(done int) {
		if done%10000 == 0 || done == n {
			fmt.Fprintf(stdout, "%d/%d certificates (%s)\n", done, n, time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		fmt.Fprintln(stderr, "miz dev seed:", err)
		return 1
	}
	if _, err := reg.Log.Checkpoint(ctx); err != nil {
		fmt.Fprintln(stderr, "miz dev seed: checkpoint:", err)
		return 1
	}
	return 0
}
