// Package round runs one round of the crash-safety check: it starts `miz serve` as a
// child process, sends concurrent case submissions with documents, kills the process
// with SIGKILL at a chosen moment, restarts it on the same data, and checks that every
// acknowledged step survived whole, that nothing was recorded twice, that the audit
// chain verifies and that the durable jobs of the acknowledged cases still fire.
//
// The command `go run ./bench/crash` runs many rounds against a built binary; the test
// cmd/miz/crash_test.go runs two rounds against the test binary itself.
package round

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options describe one round.
type Options struct {
	// Command runs the miz binary's subcommands: Command + {"serve", …} starts the
	// server and Command + {"audit", "verify", …} checks the audit chain.
	Command []string
	// Env is added to the child's environment.
	Env []string
	// DB is the database URL; empty means SQLite inside Data.
	DB string
	// Data is a fresh data directory.
	Data string
	// Clients is how many submissions run at once.
	Clients int
	// KillAfter is how long after the traffic starts the server is killed.
	KillAfter time.Duration
	// FireJobs is how many acknowledged cases have their SLA jobs brought forward
	// after the restart, to see them run.
	FireJobs int
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Terminate sends SIGTERM instead of SIGKILL at KillAfter: the graceful stop,
	// which must also lose nothing acknowledged (see Result.StopTook and ExitCode).
	Terminate bool
}

// Result counts what one round saw. Lost and Duplicated are the figures that must
// stay at zero; Problems describes the first few failures of any kind.
type Result struct {
	Created, Uploaded, Submitted int // acknowledged (2xx) steps
	Unanswered                   int // requests cut off by the kill
	Refused                      int // steps answered with an error status
	Lost, Duplicated             int
	Corrupt                      int // a stored document differs from what was sent
	JobsMissing, JobsUnfired     int
	JobsFired                    int
	AuditEntries                 int
	AuditOK                      bool
	Problems                     []string
	// StopTook is how long the server took to exit after the signal, and ExitCode
	// its exit status (-1 when killed by the signal).
	StopTook time.Duration
	ExitCode int
}

// Failed reports whether the round found anything wrong.
func (r Result) Failed() bool {
	return r.Lost+r.Duplicated+r.Corrupt+r.JobsMissing+r.JobsUnfired > 0 || !r.AuditOK
}

func (r *Result) problem(format string, args ...any) {
	if len(r.Problems) < 20 {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// Run runs one round and returns what it found; an error means the round itself
// could not be carried out (the server did not start, say).
func Run(ctx context.Context, o Options) (Result, error) {
	var res Result
	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	srv, err := startServer(ctx, o, addr)
	if err != nil {
		return res, err
	}
	defer srv.stop()
	token, err := login(ctx, srv.url)
	if err != nil {
		return res, err
	}
	logf(o.Log, "traffic: %d clients, SIGKILL after %s", o.Clients, o.KillAfter)
	stop := srv.kill
	if o.Terminate {
		stop = srv.terminate
	}
	recs := traffic(ctx, srv, o.Clients, o.KillAfter, token, stop)
	res.StopTook, res.ExitCode = srv.took, srv.cmd.ProcessState.ExitCode()
	logf(o.Log, "killed; restarting on the same data")
	srv, err = startServer(ctx, o, addr)
	if err != nil {
		return res, fmt.Errorf("restart after SIGKILL: %w", err)
	}
	defer srv.stop()
	if err := check(ctx, o, recs, &res); err != nil {
		return res, err
	}
	if err := fireJobs(ctx, o, recs, &res); err != nil {
		return res, err
	}
	srv.stop() // the audit check opens the database on its own
	auditVerify(ctx, o, &res)
	return res, nil
}

// server is a running `miz serve` child.
type server struct {
	cmd  *exec.Cmd
	url  string
	out  *lockedBuffer
	done chan struct{}
	once sync.Once
	took time.Duration // how long the last kill or terminate took
}

// startServer starts `miz serve --demo` on addr and waits until /readyz answers.
func startServer(ctx context.Context, o Options, addr string) (*server, error) {
	args := append(append([]string{}, o.Command[1:]...), "serve", "--demo", "--data", o.Data,
		"--db", o.DB, "--addr", addr, "--log-level", "error")
	cmd := exec.Command(o.Command[0], args...)
	cmd.Env = append(os.Environ(), o.Env...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start miz serve: %w", err)
	}
	s := &server{cmd: cmd, url: "http://" + addr, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return nil, fmt.Errorf("miz serve exited before ready:\n%s", out.String())
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if ready(s.url) {
			return s, nil
		}
	}
	s.kill()
	return nil, fmt.Errorf("miz serve not ready after 90s:\n%s", out.String())
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	start := time.Now()
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s.took = time.Since(start)
}

// terminate sends SIGTERM and waits for the process to exit on its own (SIGKILL after
// a minute, which the caller sees as StopTook of a minute).
func (s *server) terminate() {
	start := time.Now()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		s.kill()
	}
	s.took = time.Since(start)
}

// stop shuts the server down gracefully (once; later calls do nothing).
func (s *server) stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			s.kill()
		}
	})
}

// auditVerify runs `miz audit verify` on the round's data.
func auditVerify(ctx context.Context, o Options, res *Result) {
	args := append(append([]string{}, o.Command[1:]...), "audit", "verify", "--data", o.Data, "--db", o.DB)
	cmd := exec.CommandContext(ctx, o.Command[0], args...)
	cmd.Env = append(os.Environ(), o.Env...)
	out, err := cmd.CombinedOutput()
	res.AuditOK = err == nil && strings.Contains(string(out), "ok: ")
	if !res.AuditOK {
		res.problem("miz audit verify: %v: %s", err, strings.TrimSpace(string(out)))
		return
	}
	_, _ = fmt.Sscanf(string(out[strings.Index(string(out), "ok: "):]), "ok: %d entries", &res.AuditEntries)
}

// freeAddr returns a loopback address with a port free right now; the server is
// restarted on the same one.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

// lockedBuffer collects a child's output from two pipes at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 {
		return len(p), nil // keep the first MiB: enough to say why
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
