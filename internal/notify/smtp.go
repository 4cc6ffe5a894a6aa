package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"time"

	"github.com/itoir/miz/internal/jobs"
)

// Mailer delivers one e-mail; SMTPMailer is the production one.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

// TLSMode says when SMTPMailer encrypts the session.
type TLSMode string

// The TLS modes; the zero value means TLSIfOffered.
const (
	TLSIfOffered TLSMode = "starttls-if-offered" // use STARTTLS when the server offers it
	TLSRequire   TLSMode = "require"             // refuse to send without STARTTLS
	TLSNone      TLSMode = "none"                // never encrypt (a local relay only)
)

// SMTPMailer sends mail through an SMTP relay, with STARTTLS and AUTH PLAIN.
type SMTPMailer struct {
	Addr      string // host:port of the relay
	Username  string // AUTH PLAIN identity; empty sends without AUTH
	Password  string
	From      string // header and envelope sender, e.g. "میز خدمت <desk@ito.gov.ir>"
	HeloName  string // the name given in EHLO (default "localhost")
	TLS       TLSMode
	TLSConfig *tls.Config   // optional; ServerName defaults to the relay's host
	Timeout   time.Duration // for the whole session when ctx has no deadline (default 1m)
}

// Send delivers e in one SMTP session. A recipient the relay rejects permanently (5xx)
// is reported as a permanent job error; everything else is retried by the runner.
func (m *SMTPMailer) Send(ctx context.Context, e Email) error {
	if err := m.send(ctx, e); err != nil {
		return fmt.Errorf("notify: smtp to %s via %s: %w", e.To, m.Addr, err)
	}
	return nil
}

func (m *SMTPMailer) send(ctx context.Context, e Email) error {
	msg, err := RenderEmail(m.From, e)
	if err != nil {
		return jobs.Permanent(err)
	}
	from, _ := mail.ParseAddress(m.From) // RenderEmail checked it
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return jobs.Permanent(err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline, ok := ctx.Deadline()
	if !ok {
		timeout := m.Timeout
		if timeout <= 0 {
			timeout = time.Minute
		}
		deadline = time.Now().Add(timeout)
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	helo := m.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		return err
	}
	if m.TLS != TLSNone {
		if ok, _ := c.Extension("STARTTLS"); ok {
			cfg := &tls.Config{MinVersion: tls.VersionTLS12}
			if m.TLSConfig != nil {
				cfg = m.TLSConfig.Clone()
			}
			if cfg.ServerName == "" {
				cfg.ServerName = host
			}
			if err := c.StartTLS(cfg); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
		} else if m.TLS == TLSRequire {
			return errors.New("server does not offer STARTTLS and TLS is required")
		}
	}
	if m.Username != "" {
		// PlainAuth itself refuses to send the password unencrypted except to localhost.
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	if err := c.Rcpt(e.To); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) && te.Code >= 500 {
			return jobs.Permanent(fmt.Errorf("rcpt: %w", err))
		}
		return fmt.Errorf("rcpt: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	return c.Quit()
}
