package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// figures summarise one load run.
type figures struct {
	cases    int
	errors   int
	firstErr string
	elapsed  time.Duration
	latency  []time.Duration // per case: create + upload + submit
	steps    [3][]time.Duration
	steal    float64 // share of the machine's CPU time taken by the hypervisor, -1 if unknown
}

func (f figures) rate() float64 { return float64(f.cases) / f.elapsed.Seconds() }

func (f figures) pct(p float64) time.Duration { return pct(f.latency, p) }

func pct(lat []time.Duration, p float64) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func (f figures) String() string {
	return fmt.Sprintf("%6d cases in %s = %6.1f cases/s   p50 %6.1f ms   p99 %6.1f ms   errors %d",
		f.cases, f.elapsed.Round(time.Millisecond), f.rate(), ms(f.pct(0.50)), ms(f.pct(0.99)), f.errors) +
		stealNote(f.steal) +
		fmt.Sprintf("\n      steps p50/p99 ms: create %.1f/%.1f  upload %.1f/%.1f  submit %.1f/%.1f",
			ms(pct(f.steps[0], .5)), ms(pct(f.steps[0], .99)), ms(pct(f.steps[1], .5)), ms(pct(f.steps[1], .99)),
			ms(pct(f.steps[2], .5)), ms(pct(f.steps[2], .99)))
}

func stealNote(steal float64) string {
	if steal < 0 {
		return ""
	}
	return fmt.Sprintf("   CPU steal %.0f%%", 100*steal)
}

// cpuTimes reads the machine's total and stolen CPU time (Linux /proc/stat); a
// shared virtual machine loses a varying share to its neighbours, which moves every
// figure of a run, the baseline's included.
func cpuTimes() (total, steal int64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	fields := strings.Fields(line)
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, 0, false
	}
	for i, v := range fields[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		if i < 8 { // user nice system idle iowait irq softirq steal
			total += n
		}
		if i == 7 {
			steal = n
		}
	}
	return total, steal, true
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load runs clients loops of one case each (create, upload doc, submit) against base
// for d and returns the figures.
// caseLimit, when above 0 (-cases), ends every run once casesDone cases are in.
var (
	caseLimit int64
	casesDone atomic.Int64
)

func load(ctx context.Context, base, token string, clients int, d time.Duration, doc []byte) figures {
	c := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var (
		mu  sync.Mutex
		f   figures
		wg  sync.WaitGroup
		end = time.Now().Add(d)
	)
	total0, steal0, stealOK := cpuTimes()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			var lat []time.Duration
			var steps [3][]time.Duration
			n, errs, first := 0, 0, ""
			for time.Now().Before(end) && ctx.Err() == nil && (caseLimit == 0 || casesDone.Load() < caseLimit) {
				t0 := time.Now()
				if err := oneCase(ctx, c, base, token, doc, &steps); err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t0))
				n++
				casesDone.Add(1)
			}
			mu.Lock()
			f.cases += n
			f.errors += errs
			f.latency = append(f.latency, lat...)
			for i := range steps {
				f.steps[i] = append(f.steps[i], steps[i]...)
			}
			if f.firstErr == "" {
				f.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	f.elapsed = time.Since(start)
	f.steal = -1
	if total1, steal1, ok := cpuTimes(); ok && stealOK && total1 > total0 {
		f.steal = float64(steal1-steal0) / float64(total1-total0)
	}
	return f
}

// oneCase creates a CERT incident report, uploads doc as its evidence and submits it;
// each step counts only when the server acknowledged it.
func oneCase(ctx context.Context, c *http.Client, base, token string, doc []byte, steps *[3][]time.Duration) error {
	var created struct {
		Code string `json:"tracking_code"`
	}
	t := time.Now()
	lap := func(i int) {
		steps[i] = append(steps[i], time.Since(t))
		t = time.Now()
	}
	if err := post(ctx, c, base+"/api/v1/cases", token, "application/json",
		[]byte(`{"service":"cert","kind":"incident","form":{"summary":"intake benchmark"}}`), http.StatusCreated, &created); err != nil {
		return err
	}
	lap(0)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("type", "incident_evidence")
	fw, _ := mw.CreateFormFile("file", "evidence.pdf")
	_, _ = fw.Write(doc)
	_ = mw.Close()
	if err := post(ctx, c, base+"/api/v1/cases/"+created.Code+"/documents", token, mw.FormDataContentType(),
		b.Bytes(), http.StatusCreated, nil); err != nil {
		return err
	}
	lap(1)
	if err := post(ctx, c, base+"/api/v1/cases/"+created.Code+"/submit", token, "", nil, http.StatusOK, nil); err != nil {
		return err
	}
	lap(2)
	return nil
}

func post(ctx context.Context, c *http.Client, url, token, ctype string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// sink is the baseline: the smallest Go server answering the same three requests,
// reading (and discarding) the upload, with no database or files behind it.
func sink() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/cases", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"tracking_code":"SINK-SINK-00","state":"draft"}`))
	})
	mux.HandleFunc("POST /api/v1/cases/{code}/documents", func(w http.ResponseWriter, r *http.Request) {
		err := eachPart(r, func(p *multipart.Part) error {
			_, err := io.Copy(io.Discard, p)
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{}`))
	})
	mux.HandleFunc("POST /api/v1/cases/{code}/submit", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{}`))
	})
	return mux
}

// eachPart calls fn with each part of r's multipart body, in order, and stops at the
// first error.
func eachPart(r *http.Request, fn func(p *multipart.Part) error) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return err
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}
