// Package smtptest runs a small but real SMTP server for tests: EHLO/HELO, STARTTLS with
// a generated self-signed certificate, optional AUTH PLAIN, MAIL/RCPT/DATA with
// dot-unstuffing, RSET, NOOP and QUIT. It keeps every message it accepts.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// Options configure a Server.
type Options struct {
	// Username and Password, when set, make AUTH PLAIN mandatory before MAIL.
	Username, Password string
	// NoSTARTTLS stops the server from offering STARTTLS.
	NoSTARTTLS bool
	// RequireTLS rejects MAIL until the session has switched to TLS.
	RequireTLS bool
	// MaxSize caps a message's size in bytes (default 10 MiB).
	MaxSize int
}

// Message is one message the server accepted.
type Message struct {
	From     string   // envelope sender
	To       []string // envelope recipients
	Data     []byte   // the message as received, dot-unstuffed, CRLF line ends
	TLS      bool     // whether the session was encrypted when DATA began
	AuthUser string   // the AUTH PLAIN identity, if any
	Helo     string   // the name the client gave in EHLO/HELO
}

// Server is a running test SMTP server.
type Server struct {
	opt      Options
	ln       net.Listener
	tlsConf  *tls.Config
	pool     *x509.CertPool
	wg       sync.WaitGroup
	mu       sync.Mutex
	msgs     []Message
	changed  chan struct{} // closed and replaced whenever a message arrives
	conns    map[net.Conn]bool
	closed   bool
	closeErr error
}

// NewServer starts a server on 127.0.0.1 with a random port and stops it when tb ends.
func NewServer(tb testing.TB, opt Options) *Server {
	tb.Helper()
	s, err := Start(opt)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Start starts a server on 127.0.0.1 with a random port; Close stops it.
func Start(opt Options) (*Server, error) {
	if opt.MaxSize <= 0 {
		opt.MaxSize = 10 << 20
	}
	cert, pool, err := selfSigned()
	if err != nil {
		return nil, fmt.Errorf("smtptest: certificate: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("smtptest: listen: %w", err)
	}
	s := &Server{opt: opt, ln: ln, pool: pool, changed: make(chan struct{}), conns: map[net.Conn]bool{},
		tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr returns the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// ClientTLSConfig returns a client configuration that trusts the server's certificate.
func (s *Server) ClientTLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// Messages returns a copy of the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// WaitFor waits until at least n messages have arrived, or fails after timeout.
func (s *Server) WaitFor(n int, timeout time.Duration) ([]Message, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages(), nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return s.Messages(), fmt.Errorf("smtptest: %d of %d messages after %v", got, n, timeout)
		}
	}
}

// Close stops listening, drops open sessions and waits for them to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return s.closeErr
	}
	s.closed = true
	s.closeErr = s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return s.closeErr
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			newSession(s, c).serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

func (s *Server) deliver(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	close(s.changed)
	s.changed = make(chan struct{})
}
