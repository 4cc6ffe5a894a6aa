package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
)

// BenchmarkStartupRestart is one start of `miz serve` up to listening on a data
// directory that is already migrated and seeded (issue 18: a restart), then Close:
//
//	go test -run x -bench StartupRestart -benchmem -cpuprofile /tmp/start.prof ./cmd/miz
func BenchmarkStartupRestart(b *testing.B) {
	cfg := defaultConfig()
	cfg.Addr, cfg.Data = "127.0.0.1:0", b.TempDir()
	boot := func() {
		m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.DiscardHandler)}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		if err := m.Close(); err != nil {
			b.Fatal(err)
		}
	}
	boot() // the first start migrates and seeds
	b.ReportAllocs()
	for b.Loop() {
		boot()
	}
}

// BenchmarkStartupEmpty is one first start on an empty data directory (migrate from
// nothing, seed the catalog, make the keys), then Close.
func BenchmarkStartupEmpty(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		cfg := defaultConfig()
		cfg.Addr, cfg.Data = "127.0.0.1:0", b.TempDir()
		m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.DiscardHandler)}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		if err := m.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
