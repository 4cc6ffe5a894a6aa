package main

import (
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/itoir/miz/bench/crash/round"
	"github.com/itoir/miz/internal/store/storetest"
)

// crashChildEnv, when set to 1, makes the test binary behave as the miz command, so
// the crash test can start it as a server and SIGKILL it.
const crashChildEnv = "MIZ_CRASH_CHILD"

// TestMain runs the miz command instead of the tests in a crash-test child.
func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	flag.Parse()
	raiseParallel()
	if os.Getenv("GOGC") == "" {
		// Every login derives a 19 MiB argon2id key; collecting less often spends
		// memory (there is plenty) instead of the CPU the tests share.
		debug.SetGCPercent(400)
	}
	os.Exit(m.Run())
}

// raiseParallel lets max(4, 2×GOMAXPROCS) tests run at once unless -test.parallel was
// given: the tests here mostly wait on sockets, PostgreSQL and the browser, not the CPU.
func raiseParallel() {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(max(4, 2*runtime.GOMAXPROCS(0))))
	}
}

// TestCrashLosesNothingAcknowledged is the short form of `go run ./bench/crash`: on
// each database, rounds of concurrent submissions end in a SIGKILL at a random moment,
// and after the restart every acknowledged case, document and submit is there whole
// and once, the audit chain verifies and the SLA jobs still run. MIZ_CRASH_ROUNDS
// (default 2) and MIZ_CRASH_CLIENTS (default 100) make it longer.
//
// It stays serial (no t.Parallel): its child server, 100 clients and the random kill
// moment need the CPU to themselves, or under load no submission is acknowledged
// before the kill and the round proves nothing.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED (crash): -short")
	}
	rounds, clients := envInt("MIZ_CRASH_ROUNDS", 2), envInt("MIZ_CRASH_CLIENTS", 100)
	for _, dbKind := range []string{"sqlite", "postgres"} {
		t.Run(dbKind, func(t *testing.T) {
			for i := range rounds {
				t.Run("round"+strconv.Itoa(i+1), func(t *testing.T) {
					kill := 300*time.Millisecond + rand.N(1200*time.Millisecond)
					// On a loaded machine the child may acknowledge nothing before the
					// kill; such a round proves nothing, so it is run again with a later
					// kill (up to three times) rather than passed or failed.
					for attempt := 1; ; attempt++ {
						o := round.Options{Command: []string{os.Args[0]}, Env: []string{crashChildEnv + "=1"},
							Data: t.TempDir(), Clients: clients, FireJobs: 20, KillAfter: kill}
						if dbKind == "postgres" {
							o.DB = storetest.PostgresURL(t)
						}
						res, err := round.Run(context.Background(), o)
						if err != nil {
							t.Fatal(err)
						}
						t.Logf("kill at %s: acknowledged %d created, %d uploaded, %d submitted; %d cut off; lost %d, duplicated %d; "+
							"%d jobs fired; %d audit entries", o.KillAfter.Round(time.Millisecond), res.Created, res.Uploaded,
							res.Submitted, res.Unanswered, res.Lost, res.Duplicated, res.JobsFired, res.AuditEntries)
						if res.Failed() {
							t.Fatalf("crash round failed: %+v", res)
						}
						if res.Created > 0 {
							break
						}
						if attempt == 3 {
							t.Fatalf("no submission was acknowledged before the kill in three attempts: %+v", res)
						}
						kill *= 3
					}
				})
			}
		})
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
