// Command load drives a running `miz serve --demo` on this machine with many
// concurrent sessions and a realistic mix of requests, and prints latency
// percentiles, errors and throughput per kind of request.
//
//	miz serve --demo --data /tmp/miz-load &
//	miz dev seed --applicants 1000 --tokens /tmp/miz-load/tokens --data /tmp/miz-load
//	go run ./bench/load -url http://127.0.0.1:8080 -tokens /tmp/miz-load/tokens -duration 60s
//
// Each session holds one applicant's API token and opens one draft case before the
// timed run; then it loops: think (a random pause around -think), pick a request by
// the mix, send it and record its latency. The mix is registry reads 50%, views of
// the session's own case 25%, submissions (a new draft case with its form) 10%,
// and the staff queue 15% (with the staff token from the file). It refuses any
// target other than the loopback address.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// form is a complete CERTIFY application, as a person submits it.
const form = `{"product_name_fa":"حسابداری ابری پارس","product_name_en":"Pars Cloud Accounting","version":"5.2.0",` +
	`"category":"accounting","platform":"Web","deployment":"saas","contact_name":"علی رضایی",` +
	`"contact_phone":"021-88001122","contact_email":"ali.rezaei@example.org"}`

// kinds of request, in the order they are reported.
var kinds = []string{"registry", "case_view", "submission", "staff_queue"}

type config struct {
	base     string
	tokens   string
	sessions int
	duration time.Duration
	think    time.Duration
	setup    int
}

type session struct {
	token string
	code  string
}

// recorder keeps every latency of one kind of request; the run is short enough to
// keep them all and sort once.
type recorder struct {
	mu     sync.Mutex
	lat    []time.Duration
	errors int
	status map[int]int
}

func (r *recorder) add(d time.Duration, status int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lat = append(r.lat, d)
	if err != nil || status >= 400 {
		r.errors++
		if r.status == nil {
			r.status = map[int]int{}
		}
		r.status[status]++
	}
}

func main() {
	var c config
	flag.StringVar(&c.base, "url", "http://127.0.0.1:8080", "base URL of miz serve --demo (loopback only)")
	flag.StringVar(&c.tokens, "tokens", "", "file written by `miz dev seed --applicants N --tokens FILE`")
	flag.IntVar(&c.sessions, "sessions", 1000, "concurrent sessions")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "length of the timed run")
	flag.DurationVar(&c.think, "think", time.Second, "mean pause between a session's requests (0: closed loop)")
	flag.IntVar(&c.setup, "setup-workers", 16, "workers opening the sessions' draft cases before the run")
	flag.Parse()
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(c config, out io.Writer) error {
	u, err := url.Parse(c.base)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); (ip == nil || !ip.IsLoopback()) && u.Hostname() != "localhost" {
		return fmt.Errorf("refusing to load %s: only the loopback address", u.Host)
	}
	staff, applicants, err := readTokens(c.tokens)
	if err != nil {
		return err
	}
	if len(applicants) < c.sessions {
		return fmt.Errorf("%d applicant tokens for %d sessions", len(applicants), c.sessions)
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: c.sessions + 16, MaxIdleConnsPerHost: c.sessions + 16, IdleConnTimeout: time.Minute}}
	sessions := make([]*session, c.sessions)
	for i := range sessions {
		sessions[i] = &session{token: applicants[i]}
	}
	numbers, err := registryNumbers(client, c.base)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := openCases(client, c, sessions); err != nil {
		return err
	}
	fmt.Fprintf(out, "setup: %d sessions, each with a draft case, in %s; %d registry numbers\n",
		len(sessions), time.Since(start).Round(time.Millisecond), len(numbers))

	recs := map[string]*recorder{}
	for _, k := range kinds {
		recs[k] = &recorder{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.duration)
	defer cancel()
	var wg sync.WaitGroup
	var inflight atomic.Int64
	begin := time.Now()
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			// Spread the sessions' first requests over one think time.
			if !sleep(ctx, time.Duration(rng.Int64N(int64(c.think)+1))) {
				return
			}
			for ctx.Err() == nil {
				kind, method, path, body, token := pick(rng, s, staff, numbers)
				inflight.Add(1)
				t0 := time.Now()
				status, err := call(ctx, client, method, c.base+path, token, body)
				d := time.Since(t0)
				inflight.Add(-1)
				if ctx.Err() != nil && err != nil {
					return // cut off by the end of the run, not a failure
				}
				recs[kind].add(d, status, err)
				if c.think > 0 && !sleep(ctx, time.Duration(float64(c.think)*(0.5+rng.Float64()))) {
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(begin)
	report(out, c, recs, elapsed)
	return nil
}

// pick chooses the next request by the mix.
func pick(rng *rand.Rand, s *session, staff string, numbers []string) (kind, method, path, body, token string) {
	switch n := rng.IntN(100); {
	case n < 50:
		if rng.IntN(2) == 0 && len(numbers) > 0 {
			return "registry", "GET", "/api/v1/registry/certificates/" + numbers[rng.IntN(len(numbers))], "", ""
		}
		q := []string{"حسابداری", "accounting", "پارس", "CRT", "Web"}[rng.IntN(5)]
		return "registry", "GET", "/api/v1/registry/certificates?q=" + url.QueryEscape(q), "", ""
	case n < 75:
		return "case_view", "GET", "/api/v1/cases/" + s.code, "", s.token
	case n < 85:
		return "submission", "POST", "/api/v1/cases", `{"service":"certify","kind":"application","form":` + form + `}`, s.token
	default:
		return "staff_queue", "GET", "/api/v1/queue?service=certify&limit=50", "", staff
	}
}

func call(ctx context.Context, client *http.Client, method, u, token, body string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// openCases gives every session a draft case of its own, with a few workers.
func openCases(client *http.Client, c config, sessions []*session) error {
	work := make(chan *session)
	errs := make(chan error, c.setup)
	var wg sync.WaitGroup
	for range c.setup {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				req, _ := http.NewRequest("POST", c.base+"/api/v1/cases", strings.NewReader(`{"service":"certify","kind":"application","form":`+form+`}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+s.token)
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				var v struct {
					Code string `json:"tracking_code"`
				}
				err = json.NewDecoder(resp.Body).Decode(&v)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || err != nil || v.Code == "" {
					errs <- fmt.Errorf("open a draft case: status %d", resp.StatusCode)
					return
				}
				s.code = v.Code
			}
		}()
	}
	for _, s := range sessions {
		select {
		case work <- s:
		case err := <-errs:
			close(work)
			wg.Wait()
			return err
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// registryNumbers reads the public registry's certificate numbers to look up.
func registryNumbers(client *http.Client, base string) ([]string, error) {
	resp, err := client.Get(base + "/api/v1/registry/certificates")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var v struct {
		Items []struct {
			Number string `json:"number"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return nil, fmt.Errorf("registry search: status %d: %w", resp.StatusCode, err)
	}
	var out []string
	for _, c := range v.Items {
		out = append(out, c.Number)
	}
	return out, nil
}

func readTokens(path string) (staff string, applicants []string, err error) {
	if path == "" {
		return "", nil, errors.New("-tokens FILE is required (miz dev seed --applicants N --tokens FILE)")
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		role, tok, ok := strings.Cut(sc.Text(), " ")
		switch {
		case !ok:
		case role == "staff":
			staff = tok
		case role == "applicant":
			applicants = append(applicants, tok)
		}
	}
	if staff == "" {
		return "", nil, fmt.Errorf("%s has no staff token", path)
	}
	return staff, applicants, sc.Err()
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func report(out io.Writer, c config, recs map[string]*recorder, elapsed time.Duration) {
	fmt.Fprintf(out, "%d sessions, think %s, %s\n", c.sessions, c.think, elapsed.Round(time.Millisecond))
	fmt.Fprintf(out, "%-12s %8s %9s %9s %9s %7s\n", "request", "count", "p50", "p99", "max", "errors")
	var all []time.Duration
	errs := 0
	for _, k := range kinds {
		r := recs[k]
		slices.Sort(r.lat)
		all = append(all, r.lat...)
		errs += r.errors
		fmt.Fprintf(out, "%-12s %8d %9s %9s %9s %7d %v\n", k, len(r.lat), ms(percentile(r.lat, 0.5)), ms(percentile(r.lat, 0.99)),
			ms(percentile(r.lat, 1)), r.errors, statusText(r.status))
	}
	slices.Sort(all)
	fmt.Fprintf(out, "%-12s %8d %9s %9s %9s %7d\n", "all", len(all), ms(percentile(all, 0.5)), ms(percentile(all, 0.99)),
		ms(percentile(all, 1)), errs)
	fmt.Fprintf(out, "throughput: %.0f requests/s\n", float64(len(all))/elapsed.Seconds())
}

func statusText(m map[int]int) string {
	if len(m) == 0 {
		return ""
	}
	return fmt.Sprint(m)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
