// Command bare is the Go ceiling for bench/registry/run.sh: the smallest net/http
// server answering the registry's JSON and page from memory, the same bytes Miz
// serves, so the run shows how far Miz is from Go itself as well as from nginx.
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
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dir := flag.String("dir", ".", "directory holding cert.json and cert.html")
	flag.Parse()
	for name, ctype := range map[string]string{"cert.json": "application/json", "cert.html": "text/html; charset=utf-8"} {
		b, err := os.ReadFile(filepath.Join(*dir, name))
		if err != nil {
			log.Fatal(err)
		}
		h := http.Header{"Content-Type": {ctype}, "Content-Length": {strconv.Itoa(len(b))}}
		http.HandleFunc("/"+name, func(w http.ResponseWriter, r *http.Request) {
			for k, v := range h {
				w.Header()[k] = v
			}
			_, _ = w.Write(b)
		})
	}
	log.Fatal(http.ListenAndServe(*addr, nil))
}
