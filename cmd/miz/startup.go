package main

import (
	"log/slog"
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
