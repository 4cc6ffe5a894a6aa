package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestStartupGCRestoresTheCollector_Issue18: the start of `miz serve` runs with the
// collector held back and a soft memory limit, and afterwards the settings in force
// before are back; an operator's GOGC or GOMEMLIMIT turns the whole thing off.
func TestStartupGCRestoresTheCollector_Issue18(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	env := func(k, v string) func(string) string {
		return func(name string) string {
			if name == k {
				return v
			}
			return ""
		}
	}

	debug.SetGCPercent(120)
	restore := startupGC(env("", ""))
	if got := debug.SetGCPercent(startupGCPercent); got != startupGCPercent {
		t.Errorf("GOGC during start-up = %d, want %d", got, startupGCPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != startupMemoryLimit {
		t.Errorf("memory limit during start-up = %d, want %d", got, startupMemoryLimit)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != 120 {
		t.Errorf("GOGC after start-up = %d, want the 120 in force before", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("memory limit after start-up = %d, want none", got)
	}

	for _, name := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(100)
		restore := startupGC(env(name, "50"))
		if got := debug.SetGCPercent(-1); got != 100 {
			t.Errorf("with %s set, GOGC during start-up = %d, want the operator's (100)", name, got)
		}
		if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
			t.Errorf("with %s set, memory limit during start-up = %d, want none", name, got)
		}
		restore()
	}
}
