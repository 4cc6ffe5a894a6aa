//go:build benchpprof

package main

import (
	"os"
	"runtime/pprof"
)

// In a build with the benchpprof tag, MIZ_STARTUP_CPUPROFILE names a file that gets
// the CPU profile of start-up, from the first package init of main to listening
// (issue 18). MIZ_STARTUP_HEAPPROFILE gets the heap profile at that moment.
func init() {
	cpu, heap := os.Getenv("MIZ_STARTUP_CPUPROFILE"), os.Getenv("MIZ_STARTUP_HEAPPROFILE")
	var f *os.File
	if cpu != "" {
		var err error
		if f, err = os.Create(cpu); err == nil {
			_ = pprof.StartCPUProfile(f)
		}
	}
	startupDone = func() {
		if f != nil {
			pprof.StopCPUProfile()
			_ = f.Close()
		}
		if heap != "" {
			if h, err := os.Create(heap); err == nil {
				_ = pprof.Lookup("heap").WriteTo(h, 0)
				_ = h.Close()
			}
		}
	}
}
