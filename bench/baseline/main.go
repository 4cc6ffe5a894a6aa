// Command baseline is the yardstick for bench/startup.sh: the smallest Go HTTP
// server, measured in the same run as Miz so figures are ratios, not absolutes.
package main

import (
	"flag"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	http.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ready\n")) })
	_ = http.ListenAndServe(*addr, nil)
}
