// Command crash checks that Miz never loses or duplicates an acknowledged submission
// when its process is killed: each round starts `miz serve` on a fresh data directory
// (and, on PostgreSQL, a fresh schema), sends concurrent case submissions with a
// document each, sends SIGKILL at a random moment, restarts the server and checks
// everything it acknowledged (see package round).
//
//	go run ./bench/crash -db sqlite -rounds 20 -clients 500
//	MIZ_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test go run ./bench/crash -db postgres
//
// It only ever talks to 127.0.0.1.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/itoir/miz/bench/crash/round"
	"github.com/itoir/miz/bench/internal/pgschema"
)

func main() {
	dbKind := flag.String("db", "sqlite", "sqlite or postgres")
	pgURL := flag.String("postgres", os.Getenv("MIZ_TEST_POSTGRES_URL"), "PostgreSQL server URL (for -db postgres)")
	rounds := flag.Int("rounds", 20, "rounds to run")
	clients := flag.Int("clients", 500, "concurrent submissions")
	minKill := flag.Duration("kill-min", 300*time.Millisecond, "earliest SIGKILL after traffic starts")
	maxKill := flag.Duration("kill-max", 4*time.Second, "latest SIGKILL after traffic starts")
	fire := flag.Int("fire-jobs", 100, "acknowledged cases whose SLA jobs are brought forward after the restart")
	verbose := flag.Bool("v", false, "log each step")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *dbKind, *pgURL, *rounds, *clients, *minKill, *maxKill, *fire, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dbKind, pgURL string, rounds, clients int, minKill, maxKill time.Duration, fire int, verbose bool) error {
	if dbKind != "sqlite" && dbKind != "postgres" {
		return fmt.Errorf("-db must be sqlite or postgres")
	}
	if dbKind == "postgres" && pgURL == "" {
		return fmt.Errorf("-db postgres needs -postgres URL or MIZ_TEST_POSTGRES_URL")
	}
	tmp, err := os.MkdirTemp("", "miz-crash-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "miz")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/miz")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build miz: %w", err)
	}
	var total round.Result
	failed := 0
	for i := 1; i <= rounds; i++ {
		o := round.Options{Command: []string{bin}, Data: filepath.Join(tmp, fmt.Sprintf("round%d", i)), Clients: clients,
			KillAfter: minKill + rand.N(maxKill-minKill+1), FireJobs: fire}
		if verbose {
			o.Log = os.Stderr
		}
		var drop func()
		if dbKind == "postgres" {
			if o.DB, drop, err = freshSchema(ctx, pgURL, i); err != nil {
				return err
			}
		}
		start := time.Now()
		res, err := round.Run(ctx, o)
		if drop != nil {
			drop()
		}
		if err != nil {
			return fmt.Errorf("round %d: %w", i, err)
		}
		fmt.Printf("round %2d/%d %-8s kill at %-6s acked: %4d created %4d uploaded %4d submitted; cut off %3d refused %d; "+
			"lost %d duplicated %d corrupt %d; jobs missing %d fired %d unfired %d; audit ok=%v (%d entries) [%s]\n",
			i, rounds, dbKind, o.KillAfter.Round(time.Millisecond), res.Created, res.Uploaded, res.Submitted, res.Unanswered,
			res.Refused, res.Lost, res.Duplicated, res.Corrupt, res.JobsMissing, res.JobsFired, res.JobsUnfired,
			res.AuditOK, res.AuditEntries, time.Since(start).Round(time.Second))
		for _, p := range res.Problems {
			fmt.Println("   ", p)
		}
		if res.Failed() {
			failed++
		}
		add(&total, res)
	}
	fmt.Printf("\n%s, %d rounds, %d clients: acknowledged %d created / %d uploaded / %d submitted; lost/duplicated = %d/%d; "+
		"corrupt %d; jobs missing %d, unfired %d; rounds with audit failure or any loss: %d\n",
		dbKind, rounds, clients, total.Created, total.Uploaded, total.Submitted, total.Lost, total.Duplicated,
		total.Corrupt, total.JobsMissing, total.JobsUnfired, failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d rounds failed", failed, rounds)
	}
	return nil
}

func add(t *round.Result, r round.Result) {
	t.Created += r.Created
	t.Uploaded += r.Uploaded
	t.Submitted += r.Submitted
	t.Lost += r.Lost
	t.Duplicated += r.Duplicated
	t.Corrupt += r.Corrupt
	t.JobsMissing += r.JobsMissing
	t.JobsUnfired += r.JobsUnfired
}

// freshSchema creates an empty schema for round i and returns a URL that selects it
// through search_path, and a function that drops it.
func freshSchema(ctx context.Context, base string, i int) (string, func(), error) {
	schema := fmt.Sprintf("crash_%d_%d", os.Getpid(), i)
	return pgschema.Fresh(ctx, base, schema)
}
