//go:build race

package tlog_test

// raceEnabled loosens the perf guards of a -race build, whose instrumentation slows
// the store's Go SQLite much more than the in-memory baselines.
const raceEnabled = true
