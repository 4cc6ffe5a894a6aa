package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/itoir/miz/bench/crash/round"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestSIGTERMDuringIntakeLosesNothingAndExitsWithinTheGrace: issue 19, systemd. With
// 60 clients creating, uploading and submitting cases, `miz serve` gets SIGTERM; it
// exits 0 within --shutdown-grace, and after a restart every case, document and submit
// it acknowledged is there whole and once, and the audit chain verifies.
func TestSIGTERMDuringIntakeLosesNothingAndExitsWithinTheGrace(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED (shutdown): -short")
	}
	const grace = 5 * time.Second
	for _, dbKind := range []string{"sqlite", "postgres"} {
		t.Run(dbKind, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			o := round.Options{Command: []string{os.Args[0]},
				Env:  []string{crashChildEnv + "=1", "MIZ_SHUTDOWN_GRACE=" + grace.String()},
				Data: t.TempDir(), Clients: 60, FireJobs: 5, KillAfter: 3 * time.Second, Terminate: true}
			if dbKind == "postgres" {
				o.DB = storetest.PostgresURL(t)
			}
			res, err := round.Run(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("SIGTERM: exit %d after %s; acknowledged %d created, %d uploaded, %d submitted; %d cut off; lost %d, duplicated %d",
				res.ExitCode, res.StopTook.Round(time.Millisecond), res.Created, res.Uploaded, res.Submitted, res.Unanswered, res.Lost, res.Duplicated)
			if res.Failed() {
				t.Fatalf("graceful stop lost or broke something: %+v", res)
			}
			if res.Created == 0 {
				t.Fatalf("nothing was acknowledged before SIGTERM: the round proves nothing: %+v", res)
			}
			if res.ExitCode != 0 {
				t.Fatalf("miz serve exited %d on SIGTERM, want 0", res.ExitCode)
			}
			if res.StopTook > grace+2*time.Second {
				t.Fatalf("miz serve took %s to stop, grace is %s", res.StopTook, grace)
			}
		})
	}
}

// TestGracefulStopDrainsRunningJobs: a job running when the server is told to stop
// finishes and is recorded done before the database closes.
func TestGracefulStopDrainsRunningJobs(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		cfg := defaultConfig()
		cfg.Addr, cfg.Data, cfg.DB, cfg.ShutdownGrace = "127.0.0.1:0", data, dbURL, 10*time.Second
		m := bootMain(t, cfg, storetest.NewClock(time.Now()))
		started := make(chan struct{})
		m.Runner.Handle("ops.test.slow", func(ctx context.Context, _ jobs.Job) error {
			close(started)
			time.Sleep(700 * time.Millisecond)
			return ctx.Err()
		})
		var id int64
		err := m.DB.Update(context.Background(), func(tx *store.Tx) error {
			var err error
			id, err = jobs.Enqueue(context.Background(), tx, "ops.test.slow", nil, jobs.Wake(m.Runner))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("the job never started")
		}
		begin := time.Now()
		if err := m.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if took := time.Since(begin); took < 500*time.Millisecond {
			t.Fatalf("close returned after %s, before the running job could finish", took)
		}
		db, err := store.Open(context.Background(), dbURL, data)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var state string
		err = db.View(context.Background(), func(tx *store.Tx) error {
			return tx.QueryRow(context.Background(), "SELECT state FROM jobs WHERE id = ?", id).Scan(&state)
		})
		if err != nil || state != jobs.StateDone {
			t.Fatalf("job %d after the graceful stop: state %q, err %v; want done", id, state, err)
		}
	})
}

// TestShutdownGraceBoundsAStuckJob: a job that outlives the grace period does not hold
// the process: Close returns at the grace period, saying so.
func TestShutdownGraceBoundsAStuckJob(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.ShutdownGrace = "127.0.0.1:0", t.TempDir(), time.Second
	m := bootMain(t, cfg, storetest.NewClock(time.Now()))
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	m.Runner.Handle("ops.test.stuck", func(ctx context.Context, _ jobs.Job) error {
		close(started)
		<-release
		return nil
	})
	err := m.DB.Update(context.Background(), func(tx *store.Tx) error {
		_, err := jobs.Enqueue(context.Background(), tx, "ops.test.stuck", nil, jobs.Wake(m.Runner))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	begin := time.Now()
	err = m.Close()
	took := time.Since(begin)
	if err == nil || took > 3*time.Second || took < 900*time.Millisecond {
		t.Fatalf("close with a stuck job: %v after %s; want an error after about 1s", err, took)
	}
}
