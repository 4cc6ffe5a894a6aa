package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// runHealthcheck is `miz healthcheck [--url URL]`: it asks this host's Miz for /readyz
// (at --addr, wildcard addresses asked on loopback) and exits 0 only if it answers 200
// within five seconds. The container image's HEALTHCHECK runs it: an image built from
// scratch has no curl.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	u, rest := takeFlag(args, "url")
	cfg, _, err := loadConfig("healthcheck", rest, os.Getenv)
	if err != nil {
		return usageErr(stderr, "healthcheck", err)
	}
	if u == "" {
		host, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			fmt.Fprintln(stderr, "miz healthcheck: --addr:", err)
			return 2
		}
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "127.0.0.1"
		}
		scheme := "http"
		if cfg.TLSCert != "" {
			scheme = "https"
		}
		u = scheme + "://" + net.JoinHostPort(host, port) + "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// Its own certificate may name the public host, not the loopback address asked here.
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a local liveness probe
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		fmt.Fprintln(stderr, "miz healthcheck:", err)
		return 2
	}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "miz healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "miz healthcheck: %s answered %d: %s", u, resp.StatusCode, body)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s", u, body)
	return 0
}
