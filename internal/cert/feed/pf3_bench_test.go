package feed_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/cert/match"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// PF-3 sizes: 100,000 claimed prefixes and 50,000 claimed domains held by 1,000
// organisations; the report's size and the share of rows that match can be changed
// through MIZ_PF3_ROWS and MIZ_PF3_MATCH (percent).
const (
	pf3Prefixes = 100_000
	pf3Domains  = 50_000
	pf3Orgs     = 1_000
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// pf3Prefix is the i-th claimed /24: 11.0.0.0/24 upwards.
func pf3Prefix(i int) (a, b, c byte) { return byte(11 + i/65536), byte(i / 256 % 256), byte(i % 256) }

// writePF3Report writes a Shadowserver-style scan report of n rows; match percent
// of them fall in claimed prefixes, one in fifty more name a claimed domain only.
func writePF3Report(tb testing.TB, path string, n, match int) int64 {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("timestamp,ip,protocol,port,hostname,tag,asn,geo,region,city,naics,sic,severity\n")
	tags := []string{"rdp", "smb", "telnet", "ssl-poodle", "ntp-monitor", "elasticsearch", "botnet-drone", "cve-2026-1234"}
	sev := []string{"medium", "medium", "high", "low", "medium", "high", "high", "critical"}
	for i := range n {
		t := tags[i%len(tags)]
		s := sev[i%len(sev)]
		host := ""
		var ip string
		switch {
		case i%100 < match:
			a, b, c := pf3Prefix(i * 7919 % pf3Prefixes)
			ip = fmt.Sprintf("%d.%d.%d.%d", a, b, c, i%254+1)
		case i%100 < match+2:
			ip = fmt.Sprintf("100.%d.%d.%d", i/65536%256, i/256%256, i%256)
			host = fmt.Sprintf("h%d.org%d.example.ir", i, i*31%pf3Domains)
		default:
			ip = fmt.Sprintf("100.%d.%d.%d", i/65536%256, i/256%256, i%256)
		}
		fmt.Fprintf(w, "2026-12-01 %02d:%02d:%02d,%s,tcp,%d,%s,%s,%d,IR,Tehran,Tehran,517311,0,%s\n",
			i/3600%24, i/60%60, i%60, ip, 1024+i%60000, host, t, 64500+i%1000, s)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// seedPF3Assets stores the organisations and their verified assets in bulk.
func seedPF3Assets(tb testing.TB, db *store.DB) {
	ctx := context.Background()
	orgs := make([]int64, pf3Orgs)
	err := db.Update(ctx, func(tx *store.Tx) error {
		for i := range orgs {
			id, err := identity.CreateOrganization(ctx, tx, identity.Organization{NationalID: fmt.Sprintf("2%010d", i),
				Kind: "legal", NameFa: fmt.Sprintf("سازمان %d", i)})
			if err != nil {
				return err
			}
			orgs[i] = id
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	var vals []string
	var args []any
	flush := func() {
		if len(vals) == 0 {
			return
		}
		q := `INSERT INTO cert_assets (org_id, kind, value, status, claimed_by, claimed_at) VALUES ` + strings.Join(vals, ",")
		if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
			tb.Fatal(err)
		}
		vals, args = vals[:0], args[:0]
	}
	add := func(org int64, kind, value string) {
		vals = append(vals, "(?, ?, ?, 'verified', 0, 0)")
		args = append(args, org, kind, value)
		if len(vals) == 500 {
			flush()
		}
	}
	for i := range pf3Prefixes {
		a, b, c := pf3Prefix(i)
		add(orgs[i%pf3Orgs], "prefix", fmt.Sprintf("%d.%d.%d.0/24", a, b, c))
	}
	for i := range pf3Domains {
		add(orgs[i%pf3Orgs], "domain", fmt.Sprintf("org%d.example.ir", i))
	}
	flush()
}

// cpuTime is the CPU time the process has used, user and system: on a shared
// machine wall time also counts the time others held the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the heap in use while it runs.
type peakHeap struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak atomic.Uint64
}

func watchHeap() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{})}
	p.wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > p.peak.Load() {
				p.peak.Store(m.HeapInuse)
			}
			select {
			case <-p.stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	return p
}

func (p *peakHeap) done() uint64 { close(p.stop); p.wg.Wait(); return p.peak.Load() }

// BenchmarkPF3Import is PF-3: a generated Shadowserver-style report (1,000,000 rows
// by default) imported against 100,000 claimed prefixes and 50,000 domains — parse,
// classify, match, store the findings as warnings on SQLite — measured against a
// bare encoding/csv pass over the same file in the same run, with the import's peak
// heap. Run: go test -run x -bench PF3 -benchtime 1x -timeout 30m ./internal/cert/feed/
func BenchmarkPF3Import(b *testing.B) {
	rows, matchPct := envInt("MIZ_PF3_ROWS", 1_000_000), envInt("MIZ_PF3_MATCH", 10)
	dir := b.TempDir()
	path := filepath.Join(dir, "scan.csv")
	size := writePF3Report(b, path, rows, matchPct)
	var db *store.DB
	if os.Getenv("MIZ_PF3_POSTGRES") != "" {
		db = storetest.OpenPostgres(b)
	} else {
		db = storetest.OpenSQLite(b)
	}
	seedPF3Assets(b, db)
	s := &feed.Service{DB: db}
	b.ResetTimer()
	for range b.N {
		// The baseline: encoding/csv alone over the same file.
		f, _ := os.Open(path)
		start, cpu0 := time.Now(), cpuTime()
		cr := csv.NewReader(bufio.NewReaderSize(f, 256*1024))
		cr.ReuseRecord, cr.FieldsPerRecord, cr.LazyQuotes = true, -1, true
		n := 0
		for {
			if _, err := cr.Read(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		bare, bareCPU := time.Since(start), cpuTime()-cpu0
		f.Close()
		if pf := os.Getenv("MIZ_PF3_PROFILE"); pf != "" {
			out, _ := os.Create(pf)
			_ = pprof.StartCPUProfile(out)
			defer func() { pprof.StopCPUProfile(); out.Close() }()
		}

		// Parse, classify and match alone (what the import does before storing),
		// with a matcher built from the same assets.
		assets, err := constituent.VerifiedAssets(context.Background(), db)
		if err != nil {
			b.Fatal(err)
		}
		m, _ := match.Build(assets)
		f, _ = os.Open(path)
		start, cpu0 = time.Now(), cpuTime()
		fr, err := feed.Open(bufio.NewReader(f), "scan_pf3")
		if err != nil {
			b.Fatal(err)
		}
		matched := 0
		for {
			ev, _, err := fr.Next()
			if err == io.EOF {
				break
			}
			if _, by := m.Match(match.Event{IP: ev.IP, Host: ev.Host, ASN: ev.ASN}); by != match.ByNone {
				matched++
				_ = ev.Fingerprint()
			}
		}
		pipe, pipeCPU := time.Since(start), cpuTime()-cpu0
		f.Close()
		b.ReportMetric(bare.Seconds()/pipe.Seconds(), "parse-match-ratio")
		b.Logf("parse+classify+match without storing: %s, %.0f rows/s (%.2f× bare; CPU %.2f×), %d matched",
			pipe.Round(time.Millisecond), float64(n-1)/pipe.Seconds(), bare.Seconds()/pipe.Seconds(), bareCPU.Seconds()/pipeCPU.Seconds(), matched)

		f, _ = os.Open(path)
		heap := watchHeap()
		start, cpu0 = time.Now(), cpuTime()
		var first time.Duration
		var calls int
		res, err := s.Import(context.Background(), nil, f, feed.Options{Name: "scan_pf3", Filename: "scan.csv", Source: feed.SourceCLI,
			Size: size, Operator: "bench", Progress: func(feed.Import) {
				if calls++; calls == 1 {
					first = time.Since(start)
				}
			}})
		b.Logf("first batch stored after %s; %d progress calls", first, calls)
		full, fullCPU := time.Since(start), cpuTime()-cpu0
		peak := heap.done()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.Rows != int64(rows) || res.Bad != 0 || res.Matched == 0 {
			b.Fatalf("import = %+v", res)
		}
		bareRate, fullRate := float64(n-1)/bare.Seconds(), float64(res.Rows)/full.Seconds()
		b.ReportMetric(bareRate, "bare-rows/s")
		b.ReportMetric(fullRate, "import-rows/s")
		b.ReportMetric(fullRate/bareRate, "ratio")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(bareCPU.Seconds()/fullCPU.Seconds(), "cpu-ratio")
		b.Logf("CPU time: bare csv %s (%.0f rows/CPU-s), import %s (%.0f rows/CPU-s), ratio %.2f×",
			bareCPU.Round(time.Millisecond), float64(n-1)/bareCPU.Seconds(), fullCPU.Round(time.Millisecond),
			float64(res.Rows)/fullCPU.Seconds(), bareCPU.Seconds()/fullCPU.Seconds())
		b.Logf("%d rows (%.0f MiB), %d matched, %d warnings: bare csv %s, import %s (%.2f×), peak heap %.1f MiB",
			res.Rows, float64(size)/(1<<20), res.Matched, res.WarningsNew, bare.Round(time.Millisecond), full.Round(time.Millisecond),
			fullRate/bareRate, float64(peak)/(1<<20))
		// The next round imports the same findings again: they are seen, not new.
	}
}
