// Command bare is the Go ceiling for bench/registry/run.sh: the plainest net/http
// server answering the same bytes nginx and Miz answer (issue 18), held in memory.
// /cert.json and /cert.html carry the content type and nothing else of their own;
// /full/cert.json and /full/cert.html carry every header line Miz sends with them
// (read from cert.json.headers and cert.html.headers, as `curl -D` writes them;
// Date and Content-Length come from net/http as for Miz). Miz's ratio to the first
// shows what Miz costs in all; to the second, what Miz's own code costs beyond
// writing the same response with net/http; the bare server's ratio to nginx shows
// what net/http costs.
//
//	go run ./bench/registry/bare -addr 127.0.0.1:18473 -dir DIR
package main

import (
	"bufio"
	"bytes"
	"flag"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18473", "listen address (loopback)")
	dir := flag.String("dir", ".", "directory holding cert.json and cert.html (and their .headers)")
	flag.Parse()
	for name, ctype := range map[string]string{"cert.json": "application/json", "cert.html": "text/html; charset=utf-8"} {
		body, err := os.ReadFile(filepath.Join(*dir, name))
		if err != nil {
			log.Fatal(err)
		}
		plain := http.Header{"Content-Type": {ctype}, "Content-Length": {strconv.Itoa(len(body))}}
		http.Handle("GET /"+name, serve(plain, body))
		if raw, err := os.ReadFile(filepath.Join(*dir, name+".headers")); err == nil {
			http.Handle("GET /full/"+name, serve(parse(raw), body))
		}
	}
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// serve writes body with the headers fixed (the map takes the slices as they are).
func serve(fixed http.Header, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range fixed {
			h[k] = v
		}
		_, _ = w.Write(body)
	})
}

// parse reads a response's header lines, without the status line and Date.
func parse(raw []byte) http.Header {
	h := http.Header{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimRight(sc.Text(), "\r"), ":")
		if !ok || strings.EqualFold(k, "Date") {
			continue
		}
		h[http.CanonicalHeaderKey(k)] = []string{strings.TrimSpace(v)}
	}
	return h
}
