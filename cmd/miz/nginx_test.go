package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// nginxBinary finds Debian's nginx; without it the test fails under CI and is skipped,
// with the reason, elsewhere.
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("nginx is not installed: .ci/run installs nginx-light; the reverse-proxy test must run in CI")
	}
	t.Skip("SKIPPED (nginx): install nginx-light to test deploy/nginx/miz.conf in front of Miz")
	return ""
}

// proxy is Debian's nginx running deploy/nginx/miz.conf in front of one Miz.
type proxy struct {
	https, http string // base URLs
	pool        *x509.CertPool
	out         *syncBuffer // nginx's stderr
}

// client is an HTTPS client of the proxy whose connections come from the loopback
// address src (127.0.0.2, 127.0.0.3…), so that nginx sees a client address different
// from its own.
func (p *proxy) client(src string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DialContext: d.DialContext, ForceAttemptHTTP2: true,
			TLSClientConfig: &tls.Config{RootCAs: p.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}}}
}

// startNginx writes a self-signed certificate and the test's copy of
// deploy/nginx/miz.conf (listening on free loopback ports, proxying to upstream, its
// cache and temporary files in a temporary directory) and runs nginx in the
// foreground until the test ends.
func startNginx(t *testing.T, upstream string) *proxy {
	t.Helper()
	bin := nginxBinary(t)
	dir := t.TempDir()
	pool := writeSelfSigned(t, filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	conf, err := os.ReadFile("../../deploy/nginx/miz.conf")
	if err != nil {
		t.Fatal(err)
	}
	httpAddr, httpsAddr := freeLoopback(t), freeLoopback(t)
	site := string(conf)
	for _, r := range [][2]string{
		{"server 127.0.0.1:8080;", "server " + upstream + ";"},
		{"listen 80;", "listen " + httpAddr + ";"},
		{"listen [::]:80;", ""},
		{"listen 443 ssl http2;", "listen " + httpsAddr + " ssl http2;"},
		{"listen [::]:443 ssl http2;", ""},
		{"/etc/miz/tls/fullchain.pem", filepath.Join(dir, "cert.pem")},
		{"/etc/miz/tls/privkey.pem", filepath.Join(dir, "key.pem")},
		{"/var/cache/nginx/miz", filepath.Join(dir, "cache")},
	} {
		if !strings.Contains(site, r[0]) {
			t.Fatalf("deploy/nginx/miz.conf no longer has %q: update this test with it", r[0])
		}
		site = strings.ReplaceAll(site, r[0], r[1])
	}
	if err := os.WriteFile(filepath.Join(dir, "miz.conf"), []byte(site), 0o600); err != nil {
		t.Fatal(err)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the workers must reach the temporary directory
	}
	main := fmt.Sprintf(`%s
worker_processes 1;
events { worker_connections 128; }
http {
    access_log %[2]s/access.log;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    include %[2]s/miz.conf;
}
`, user, dir)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	cmd := exec.CommandContext(ctx, bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", "stderr",
		"-g", "daemon off; master_process on; pid "+filepath.Join(dir, "nginx.pid")+";")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt) // fast shutdown of master and workers
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		cancel()
	})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("nginx exited:\n%s", out.String())
		default:
		}
		if c, err := net.Dial("tcp", httpsAddr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s within 15s:\n%s", httpsAddr, out.String())
		}
	}
	return &proxy{https: "https://" + httpsAddr, http: "http://" + httpAddr, pool: pool, out: out}
}

// freeLoopback is a loopback address with a port free right now.
func freeLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// writeSelfSigned writes a self-signed certificate for 127.0.0.1 and its key, and
// returns a pool that trusts it.
func writeSelfSigned(t *testing.T, certPath, keyPath string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "miz nginx test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"desk.example.ir"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// rawPost sends only the headers of a POST declaring a body of size bytes and returns
// the status and body of the answer: nginx judges Content-Length before any of the body
// is sent, so a 100 MB upload costs nothing to test.
func (p *proxy) rawPost(t *testing.T, path string, size int64) (int, string) {
	t.Helper()
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", strings.TrimPrefix(p.https, "https://"),
		&tls.Config{RootCAs: p.pool, ServerName: "127.0.0.1", NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: desk.example.ir\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", path, size)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s (%d bytes declared): %v", path, size, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// loginFrom makes one API login with a wrong password from the loopback address src
// through the proxy, with extra headers, and returns the status.
func (p *proxy) loginFrom(t *testing.T, src, user string, hdr ...string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", p.https+"/api/v1/auth/login",
		strings.NewReader(`{"username":"`+user+`","password":"not the password"}`))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := p.client(src).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// failedLoginIPs lists the client addresses the audit log recorded for failed logins.
func failedLoginIPs(t *testing.T, m *Main) string {
	t.Helper()
	var out []string
	ctx := context.Background()
	err := m.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT summary FROM audit_log WHERE action = 'auth.login_failed' ORDER BY seq")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// TestNginxInFrontOfMiz: issue 19, TLS reverse proxy. Debian's nginx runs
// deploy/nginx/miz.conf, with a self-signed certificate, in front of Miz.
func TestNginxInFrontOfMiz(t *testing.T) {
	t.Parallel()
	nginxBinary(t)
	boot := func(t *testing.T, trusted string) (*Main, *proxy) {
		cfg := defaultConfig()
		cfg.Addr, cfg.Data, cfg.BaseURL = "127.0.0.1:0", t.TempDir(), "https://desk.example.ir"
		cfg.TrustedProxies, cfg.MetricsToken = trusted, "metrics-secret-token"
		m := bootMain(t, cfg, storetest.NewClock(time.Now()))
		return m, startNginx(t, strings.TrimPrefix(m.URL(), "http://"))
	}

	t.Run("TLS, HTTP/2, HSTS, Secure cookies and cached assets", func(t *testing.T) {
		t.Parallel()
		_, p := boot(t, "127.0.0.1/32")
		resp, err := p.client("127.0.0.2").Get(p.https + "/login")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
			t.Fatalf("GET /login through nginx: %d over %s, want 200 over HTTP/2", resp.StatusCode, resp.Proto)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
			t.Fatalf("no HSTS through the proxy: %q", hsts)
		}
		asset := regexp.MustCompile(`/assets/[0-9a-f]+/[^"']+`).FindString(string(page))
		if asset == "" {
			t.Fatalf("no content-hashed asset on /login:\n%s", clip(string(page)))
		}
		var cache []string
		for range 2 {
			r, err := p.client("127.0.0.2").Get(p.https + asset)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, r.Body)
			r.Body.Close()
			cache = append(cache, r.Header.Get("X-Cache"))
		}
		if cache[1] != "HIT" {
			t.Fatalf("GET %s twice through nginx: X-Cache %v, want the second a HIT", asset, cache)
		}
		if len(resp.Cookies()) == 0 {
			t.Fatal("GET /login set no cookie to check")
		}
		for _, c := range resp.Cookies() {
			if !c.Secure {
				t.Fatalf("cookie %s is not Secure behind the TLS proxy", c.Name)
			}
		}
		resp, err = p.client("127.0.0.2").Get(p.http + "/status?x=1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != 301 || !strings.HasPrefix(loc, "https://") || !strings.HasSuffix(loc, "/status?x=1") {
			t.Fatalf("plain HTTP: %d to %q, want 301 to the https:// URL", resp.StatusCode, loc)
		}
	})

	t.Run("registry reads are cached and revalidated", func(t *testing.T) {
		t.Parallel()
		m, p := boot(t, "127.0.0.1/32")
		nginxRegistryCache(t, m, p)
	})

	t.Run("metrics are not reachable from outside", func(t *testing.T) {
		t.Parallel()
		m, p := boot(t, "127.0.0.1/32")
		get := func(c *http.Client, u string) int {
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("Authorization", "Bearer metrics-secret-token")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if got := get(http.DefaultClient, m.URL()+"/metrics"); got != 200 {
			t.Fatalf("Miz itself with the token: %d, want 200 (the test would prove nothing)", got)
		}
		for _, path := range []string{"/metrics", "/%6Detrics", "//metrics", "/metrics?x=1"} {
			if got := get(p.client("127.0.0.2"), p.https+path); got != 404 {
				t.Fatalf("GET %s through nginx with the token: %d, want 404", path, got)
			}
		}
	})

	t.Run("too large a body is refused by nginx with a clear page", func(t *testing.T) {
		t.Parallel()
		_, p := boot(t, "127.0.0.1/32")
		for _, c := range []struct {
			path string
			size int64
		}{
			{"/complaints", 100 << 20},                   // a form: 1 MB at most
			{"/api/v1/cases", 100 << 20},                 // JSON
			{"/cases/ABCD-EFGH-JK/documents", 250 << 20}, // above the catalog's largest document (200 MB)
			{"/api/v1/cases/ABCD-EFGH-JK/documents", 250 << 20},
		} {
			status, body := p.rawPost(t, c.path, c.size)
			if status != 413 || !strings.Contains(body, "پرونده بیش از اندازه بزرگ است") || !strings.Contains(body, "larger than the desk accepts") {
				t.Fatalf("POST %s of %d MB: %d\n%s", c.path, c.size>>20, status, body)
			}
		}
	})

	t.Run("the client address is the real one only when nginx is trusted", func(t *testing.T) {
		t.Parallel()
		m, p := boot(t, "127.0.0.1/32")
		for range 3 {
			if got := p.loginFrom(t, "127.0.0.2", "nobody-at-all"); got != 401 {
				t.Fatalf("failed login: %d, want 401", got)
			}
		}
		if got := p.loginFrom(t, "127.0.0.2", "nobody-at-all"); got != 429 {
			t.Fatalf("4th failure from 127.0.0.2: %d, want 429 (throttled)", got)
		}
		// Another client is not throttled for the first one's failures, and cannot
		// choose its address by sending X-Forwarded-For itself.
		if got := p.loginFrom(t, "127.0.0.3", "nobody-at-all", "X-Forwarded-For", "198.51.100.7"); got != 401 {
			t.Fatalf("first failure from 127.0.0.3: %d, want 401 (its own count)", got)
		}
		ips := failedLoginIPs(t, m)
		if !strings.Contains(ips, `"127.0.0.2"`) || !strings.Contains(ips, `"127.0.0.3"`) ||
			strings.Contains(ips, "198.51.100.7") || strings.Contains(ips, `"127.0.0.1"`) {
			t.Fatalf("audit log of failed logins names the wrong addresses:\n%s", ips)
		}
	})

	t.Run("an untrusted proxy is the client address for everyone", func(t *testing.T) {
		t.Parallel()
		m, p := boot(t, "")
		for range 3 {
			if got := p.loginFrom(t, "127.0.0.2", "nobody-at-all"); got != 401 {
				t.Fatalf("failed login: %d, want 401", got)
			}
		}
		// Every client shares nginx's address, so the next one is throttled too.
		if got := p.loginFrom(t, "127.0.0.3", "nobody-at-all"); got != 429 {
			t.Fatalf("first failure from 127.0.0.3 behind an untrusted proxy: %d, want 429 (the proxy's count)", got)
		}
		if ips := failedLoginIPs(t, m); strings.Contains(ips, "127.0.0.2") || !strings.Contains(ips, `"127.0.0.1"`) {
			t.Fatalf("behind an untrusted proxy the audit log must name the proxy:\n%s", ips)
		}
	})
}
