//go:build benchpprof

package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

// In a build with the benchpprof tag (bench/intake -cpuprofile), MIZ_PPROF_ADDR
// serves net/http/pprof on its own loopback listener; normal builds have no profiler.
func init() {
	if addr := os.Getenv("MIZ_PPROF_ADDR"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
