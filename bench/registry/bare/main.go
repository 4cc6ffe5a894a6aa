// Command bare is the Go ceiling for bench/registry/run.sh: the plainest net/http
// server answering the same bytes nginx and Miz answer (issue 18), held in memory,
// with the content type and nothing else of its own. Miz's ratio to it shows what
// Miz's own work costs; its ratio to nginx shows what net/http costs.
//
//	go run ./bench/registry/bare -addr 127.0.0.1:18473 -dir DIR   # serves DIR/cert.json, DIR/cert.html
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18473", "listen address (loopback)")
	dir := flag.String("dir", ".", "directory holding cert.json and cert.html")
	flag.Parse()
	for name, ctype := range map[string]string{"cert.json": "application/json", "cert.html": "text/html; charset=utf-8"} {
		body, err := os.ReadFile(filepath.Join(*dir, name))
		if err != nil {
			log.Fatal(err)
		}
		ct, cl := []string{ctype}, []string{strconv.Itoa(len(body))}
		http.HandleFunc("GET /"+name, func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h["Content-Type"], h["Content-Length"] = ct, cl
			_, _ = w.Write(body)
		})
	}
	log.Fatal(http.ListenAndServe(*addr, nil))
}
