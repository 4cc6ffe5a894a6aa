package main

import (
	"log/slog"
	"runtime/debug"
	"time"
)

// startupPhases times the phases of Run (issue 18: cold start to /readyz ≤100 ms) and
// logs them at debug level once the server listens: `miz serve --log-level debug`.
type startupPhases struct {
	last  time.Time
	attrs []any
}

func newStartupPhases() *startupPhases { return &startupPhases{last: time.Now()} }

// done records that the phase named name ended now.
func (p *startupPhases) done(name string) {
	now := time.Now()
	p.attrs = append(p.attrs, slog.Duration(name, now.Sub(p.last).Round(10*time.Microsecond)))
	p.last = now
}

func (p *startupPhases) log(l *slog.Logger) {
	if l != nil {
		l.Debug("start-up phases", p.attrs...)
	}
	if startupDone != nil {
		startupDone()
	}
}

// startupDone, when set (a benchpprof build's MIZ_STARTUP_CPUPROFILE), runs once
// the server listens.
var startupDone func()

// startupGCPercent and startupMemoryLimit hold the garbage collector back while the
// server starts (issue 18): start-up allocates a few megabytes that are garbage at
// once (the catalog's YAML, migrations, templates), and with the default GOGC the
// collector ran five or six cycles inside a 20 ms start. The limit bounds the heap
// all the same, should a start allocate far more than usual.
const (
	startupGCPercent   = 800
	startupMemoryLimit = 128 << 20
)

// startupGC raises the collector's target for the start of `miz serve` and returns
// the function that puts back the settings in force before, collects the start's
// garbage and hands the freed pages back to the kernel (a lower idle RSS than the
// default pacing leaves). An operator's GOGC or GOMEMLIMIT is left alone.
func startupGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(startupGCPercent)
	limit := debug.SetMemoryLimit(startupMemoryLimit)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
		go debug.FreeOSMemory() // after listening: /readyz does not wait for it
	}
}
