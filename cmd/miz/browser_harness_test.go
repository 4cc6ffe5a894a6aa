package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/notify/smtptest"
)

// browserHarnesses names the e2e files that need more than a demo server: each
// returns the server and the environment its node run gets. The rest run against
// startDemo.
var browserHarnesses = map[string]func(t *testing.T) (*Main, []string){
	"notify.test.mjs": startNotifyHarness,
}

// offsetClock is the real clock moved by an offset the test controls, so that a
// browser session keeps working while the server believes it is 03:00 in Tehran.
type offsetClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *offsetClock) set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off = time.Until(at)
}

func (c *offsetClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// startNotifyHarness boots the demo with a real SMTP receiver, an HTTP SMS gateway
// and a movable clock, and a control server through which the browser test reads
// the mail and SMS that were sent, moves the clock and runs due jobs (issue 14's
// "done when"). Nothing of Miz is replaced: the gateways are real network peers.
func startNotifyHarness(t *testing.T) (*Main, []string) {
	smtp := smtptest.NewServer(t, smtptest.Options{NoSTARTTLS: true})
	gw := &smsGateway{}
	gsrv := httptest.NewServer(gw)
	t.Cleanup(gsrv.Close)
	clk := &offsetClock{}
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo = "127.0.0.1:0", t.TempDir(), true
	cfg.SMTPAddr, cfg.SMSURL = smtp.Addr(), gsrv.URL
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: clk.Now}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })

	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /mail", func(w http.ResponseWriter, r *http.Request) {
		var out []map[string]string
		for _, msg := range smtp.Messages() {
			subject, text := decodeMail(msg.Data)
			out = append(out, map[string]string{"to": strings.Join(msg.To, ","), "subject": subject, "text": text})
		}
		reply(w, out)
	})
	mux.HandleFunc("GET /sms", func(w http.ResponseWriter, r *http.Request) {
		gw.mu.Lock()
		out := append([]map[string]string(nil), gw.got...)
		gw.mu.Unlock()
		reply(w, out)
	})
	mux.HandleFunc("GET /now", func(w http.ResponseWriter, r *http.Request) {
		reply(w, map[string]int64{"unix_ms": clk.Now().UnixMilli()})
	})
	mux.HandleFunc("POST /clock", func(w http.ResponseWriter, r *http.Request) {
		if at := r.URL.Query().Get("at"); at != "" {
			tm, err := time.Parse(time.RFC3339, at)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			clk.set(tm)
		}
		if add := r.URL.Query().Get("add"); add != "" {
			d, err := time.ParseDuration(add)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			clk.add(d)
		}
		reply(w, map[string]int64{"unix_ms": clk.Now().UnixMilli()})
	})
	mux.HandleFunc("POST /run-due", func(w http.ResponseWriter, r *http.Request) {
		n, err := m.Runner.RunDue(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		reply(w, map[string]int{"ran": n})
	})
	ctl := httptest.NewServer(mux)
	t.Cleanup(ctl.Close)
	return m, []string{"MIZ_CONTROL_URL=" + ctl.URL}
}

// decodeMail returns the decoded subject and text/plain body of a message; a
// message it cannot read comes back with what could be read.
func decodeMail(data []byte) (subject, text string) {
	msg, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		return "", string(data)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return subject, ""
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return subject, ""
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
			return subject, string(b)
		}
	}
}
