// Command intake measures how many cases per second Miz takes in: each case is an
// incident report created, given one document (100 KB by default) and submitted, each
// step acknowledged only once it is durable, with a fixed number of concurrent
// clients. The same clients against a plain Go server answering the same three
// requests (reading the upload, storing nothing) give the HTTP-side ceiling.
//
//	go run ./bench/intake -db sqlite -clients 8 -duration 20s
//	go run ./bench/intake -db postgres -postgres postgres://postgres@127.0.0.1:5432/test
//
// With -cpuprofile FILE the server is built with the benchpprof tag and profiled
// during the measured run. It only ever talks to 127.0.0.1.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/itoir/miz/bench/internal/pgschema"
)

type options struct {
	db, pgURL, cpuprofile string
	clients, size         int
	keep                  string
	baseline, floor       bool
	duration, warmup      time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "sqlite", "sqlite or postgres")
	flag.StringVar(&o.pgURL, "postgres", os.Getenv("MIZ_TEST_POSTGRES_URL"), "PostgreSQL server URL (for -db postgres)")
	flag.IntVar(&o.clients, "clients", 8, "concurrent clients")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "measured run")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured run before it")
	flag.IntVar(&o.size, "size", 100<<10, "document size in bytes")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write the server's CPU profile of the measured run to this file")
	flag.StringVar(&o.keep, "data", "", "keep Miz's data directory here (bench/startup.sh restarts on it)")
	flag.Int64Var(&caseLimit, "cases", 0, "stop after this many cases in all (0: run for -duration)")
	flag.BoolVar(&o.baseline, "baseline", true, "measure the plain net/http baseline first")
	flag.BoolVar(&o.floor, "floor", false, "also measure the durable floor (Miz's store on the same database, three rows and one synced file per case)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "intake:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	doc := pdfOfSize(o.size)
	// Baseline: the plain server, same clients, same requests.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sink()}
	go func() { _ = srv.Serve(ln) }()
	var baseline figures
	if o.baseline {
		load(ctx, "http://"+ln.Addr().String(), "", o.clients, o.warmup, doc)
		baseline = load(ctx, "http://"+ln.Addr().String(), "", o.clients, o.duration, doc)
	}
	_ = srv.Close()

	tmp, err := os.MkdirTemp("", "miz-intake-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var durable figures
	if o.floor {
		if durable, err = measureFloor(ctx, tmp, o, doc); err != nil {
			return err
		}
	}
	dbURL := ""
	if o.db == "postgres" {
		var drop func()
		if dbURL, drop, err = freshSchema(ctx, o.pgURL, "intake"); err != nil {
			return err
		}
		defer drop()
	}
	data := filepath.Join(tmp, "data")
	if o.keep != "" {
		data = o.keep
	}
	base, pprofAddr, stopServer, err := startMiz(ctx, tmp, data, dbURL, o.cpuprofile != "")
	if err != nil {
		return err
	}
	defer stopServer()
	token, err := login(ctx, base)
	if err != nil {
		return err
	}
	load(ctx, base, token, o.clients, o.warmup, doc)
	var profile chan error
	if o.cpuprofile != "" {
		profile = make(chan error, 1)
		go func() { profile <- fetchProfile(pprofAddr, o.duration, o.cpuprofile) }()
	}
	commits0, calls0 := groupCommits(base)
	got := load(ctx, base, token, o.clients, o.duration, doc)
	commits1, calls1 := groupCommits(base)
	if profile != nil {
		if err := <-profile; err != nil {
			return err
		}
	}
	fmt.Printf("intake, %d clients, %d-byte document, %s measured (after %s warm-up)\n", o.clients, o.size, o.duration, o.warmup)
	fmt.Printf("  baseline (plain net/http, no storage): %s\n", baseline)
	if o.floor {
		fmt.Printf("  durable floor (Miz's store, %s): %s\n", o.db, durable)
	}
	fmt.Printf("  miz on %-8s                        : %s\n", o.db, got)
	if b := baseline.rate(); b > 0 {
		fmt.Printf("  miz / baseline: %.1f %%\n", 100*got.rate()/b)
		if o.floor {
			fmt.Printf("  floor / baseline: %.1f %%\n", 100*durable.rate()/b)
		}
	}
	if fl := durable.rate(); o.floor && fl > 0 {
		fmt.Printf("  miz / floor: %.2f\n", got.rate()/fl)
	}
	if commits := commits1 - commits0; commits > 0 {
		fmt.Printf("      group commit: %.0f write calls in %.0f transactions (mean batch %.2f)\n",
			calls1-calls0, commits, (calls1-calls0)/commits)
	}
	if got.firstErr != "" {
		fmt.Printf("  first error: %s\n", got.firstErr)
	}
	return nil
}

// measureFloor runs the same clients against the durable floor (floor.go).
// On PostgreSQL it gets an empty schema of its own.
func measureFloor(ctx context.Context, tmp string, o options, doc []byte) (figures, error) {
	dbURL := ""
	if o.db == "postgres" {
		url, drop, err := freshSchema(ctx, o.pgURL, "intake_floor")
		if err != nil {
			return figures{}, err
		}
		defer drop()
		dbURL = url
	}
	f, err := openFloor(ctx, dbURL, filepath.Join(tmp, "floor"))
	if err != nil {
		return figures{}, fmt.Errorf("floor: %w", err)
	}
	defer f.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return figures{}, err
	}
	srv := &http.Server{Handler: f.handler()}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	load(ctx, base, "", o.clients, o.warmup, doc)
	return load(ctx, base, "", o.clients, o.duration, doc), nil
}

// metricsToken is the bearer token the benchmark's server accepts on /metrics.
const metricsToken = "intake-bench-metrics"

// groupCommits reads the writer's counters from the server's /metrics (0 on PostgreSQL).
func groupCommits(base string) (commits, calls float64) {
	req, err := http.NewRequest("GET", base+"/metrics", nil)
	if err != nil {
		return 0, 0
	}
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		var v float64
		if _, err := fmt.Sscanf(line, "miz_db_group_commits_total %g", &v); err == nil {
			commits = v
		}
		if _, err := fmt.Sscanf(line, "miz_db_group_commit_calls_total %g", &v); err == nil {
			calls = v
		}
	}
	return commits, calls
}

// pdfOfSize returns a PDF of exactly n bytes (padded with a comment line).
func pdfOfSize(n int) []byte {
	head, tail := "%PDF-1.4\n% ", "\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
	pad := max(0, n-len(head)-len(tail))
	return []byte(head + strings.Repeat("x", pad) + tail)
}

// startMiz builds and starts `miz serve --demo` and returns its URL, the pprof
// address (when profiling) and a function that stops it.
func startMiz(ctx context.Context, tmp, data, dbURL string, profile bool) (string, string, func(), error) {
	bin := filepath.Join(tmp, "miz")
	args := []string{"build", "-o", bin}
	if profile {
		args = append(args, "-tags", "benchpprof")
	}
	build := exec.CommandContext(ctx, "go", append(args, "./cmd/miz")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", "", nil, fmt.Errorf("build miz: %w", err)
	}
	addr, pprofAddr := freeAddr(), ""
	cmd := exec.Command(bin, "serve", "--demo", "--data", data, "--db", dbURL, "--addr", addr, "--log-level", "error")
	cmd.Env = append(os.Environ(), "MIZ_METRICS_TOKEN="+metricsToken) // /metrics is not public
	if profile {
		pprofAddr = freeAddr()
		cmd.Env = append(cmd.Env, "MIZ_PPROF_ADDR="+pprofAddr)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return "", "", nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	base := "http://" + addr
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, pprofAddr, stop, nil
			}
		}
	}
	stop()
	return "", "", nil, fmt.Errorf("miz serve not ready after 60s")
}

func login(ctx context.Context, base string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	c := &http.Client{Timeout: 30 * time.Second}
	if err := post(ctx, c, base+"/api/v1/auth/login", "", "application/json",
		[]byte(`{"username":"10101234565","password":"demo-password"}`), http.StatusOK, &out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// fetchProfile records the server's CPU profile for d into file.
func fetchProfile(addr string, d time.Duration, file string) error {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(d.Seconds())))
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// freshSchema creates an empty schema named after prefix and this process and
// returns a URL selecting it, and its drop.
func freshSchema(ctx context.Context, base, prefix string) (string, func(), error) {
	if base == "" {
		return "", nil, fmt.Errorf("-db postgres needs -postgres URL or MIZ_TEST_POSTGRES_URL")
	}
	schema := fmt.Sprintf("%s_%d", prefix, os.Getpid())
	return pgschema.Fresh(ctx, base, schema)
}
