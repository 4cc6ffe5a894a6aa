package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/feed"
)

const certUsage = `usage: miz cert import FILE [--name FEED] [--data DIR] [--db URL]
  Imports a Shadowserver-style CSV report or IntelMQ-style JSON event lines ("-" reads
  stdin), matches each row to the constituents' verified assets and raises warnings.
  FEED names the report when rows do not (default: the file's name).
       miz cert evidence-key status|rotate|rewrap|destroy-retired [--data DIR] [--db URL]
  The key that guards incident evidence at rest: which key guards how many files;
  a new key (the old one retired, every file rewrapped under the new one, with
  progress); finishing an interrupted rewrap; removing retired keys no file needs.`

// runCert is `miz cert import FILE`: a threat feed imported from the console, with
// a progress bar on stderr and the summary (and the first bad rows by line) on
// stdout (SLA M-4.3). Exit status 1 when the import failed; bad rows do not fail it.
func runCert(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "evidence-key" {
		return runEvidenceKey(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(stderr, certUsage)
		return 2
	}
	var file, name string
	var rest []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--name" || a == "-name":
			if i+1 >= len(args) {
				return usageErr(stderr, "cert import", errors.New("--name needs a value"))
			}
			name = args[i+1]
			i++
		case strings.HasPrefix(a, "--name="):
			name = strings.TrimPrefix(a, "--name=")
		case a == "-" || !strings.HasPrefix(a, "-"):
			if file != "" {
				fmt.Fprintln(stderr, certUsage)
				return 2
			}
			file = a
		default:
			rest = append(rest, a)
			// A flag's value travels with it.
			if !strings.Contains(a, "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && a != "--help" && a != "-h" {
				rest = append(rest, args[i+1])
				i++
			}
		}
	}
	cfg, _, err := loadConfig("cert import", rest, os.Getenv)
	if err != nil {
		if errors.Is(err, errHelp) || errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return usageErr(stderr, "cert import", err)
	}
	if file == "" {
		fmt.Fprintln(stderr, certUsage)
		return 2
	}
	in, size := stdin, int64(0)
	filename := "stdin"
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			fmt.Fprintln(stderr, "miz cert import:", err)
			return 1
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in, filename = f, file
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "miz cert import:", err)
		return 1
	}
	defer db.Close()
	bar := &progressBar{w: stderr, start: time.Now()}
	s := &feed.Service{DB: db}
	res, err := s.Import(ctx, nil, in, feed.Options{Name: name, Filename: filename, Source: feed.SourceCLI, Size: size,
		Operator: operatorName(os.Getenv), Progress: bar.show})
	bar.done()
	if err != nil {
		fmt.Fprintf(stderr, "miz cert import: %s\n", cliMessage(err))
		return 1
	}
	fmt.Fprintf(stdout, "import %d (%s): %d rows, %d bad, %d matched, %d new warnings, %d closed by re-check, %s\n",
		res.ID, res.Name, res.Rows, res.Bad, res.Matched, res.WarningsNew, res.WarningsClosed, time.Since(bar.start).Round(time.Millisecond))
	for _, b := range res.BadRows {
		fmt.Fprintf(stdout, "line %d: %s\n", b.Line, b.Reason)
	}
	if res.Bad > int64(len(res.BadRows)) {
		fmt.Fprintf(stdout, "… and %d more bad rows\n", res.Bad-int64(len(res.BadRows)))
	}
	return 0
}

// progressBar draws the import's progress on one line of stderr.
type progressBar struct {
	w     io.Writer
	start time.Time
	last  time.Time
	drawn bool
}

func (b *progressBar) show(i feed.Import) {
	now := time.Now()
	if now.Sub(b.last) < 200*time.Millisecond && i.Status == "running" {
		return
	}
	b.last, b.drawn = now, true
	const width = 30
	pct := i.Percent()
	filled := pct * width / 100
	rate := float64(i.Rows) / max(now.Sub(b.start).Seconds(), 0.001)
	fmt.Fprintf(b.w, "\r[%s%s] %3d%% %d rows, %d bad, %d matched, %.0f rows/s ",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct, i.Rows, i.Bad, i.Matched, rate)
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
