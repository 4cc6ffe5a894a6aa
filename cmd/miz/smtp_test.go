package main

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/notify/smtptest"
	"github.com/itoir/miz/internal/store"
)

// queueMail puts one e-mail in the running server's outbox.
func queueMail(t *testing.T, m *Main, to string) {
	t.Helper()
	ctx := context.Background()
	err := m.DB.Update(ctx, func(tx *store.Tx) error {
		return notify.Queue(ctx, tx, notify.Message{Channel: notify.ChannelEmail, To: to, Subject: "test", Text: "body"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Security #11: with --smtp-require-tls the desk never hands mail to a relay in the
// clear: a relay without STARTTLS makes the job fail with a clear error.
func TestSMTPRequireTLSRefusesARelayWithoutSTARTTLS(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.Options{NoSTARTTLS: true})
	m := startDemoWith(t, "", func(c *Config) { c.SMTPAddr, c.SMTPRequireTLS = srv.Addr(), true })
	queueMail(t, m, "tls-required@example.ir")
	runDueUntil(t, m, 1, `SELECT COUNT(*) FROM outbox WHERE recipient = 'tls-required@example.ir' AND state = 'retrying'
		AND last_error LIKE '%does not offer STARTTLS and TLS is required%'`)
	if got := srv.Messages(); len(got) != 0 {
		t.Fatalf("%d messages sent in the clear although TLS is required", len(got))
	}
}

// Without the setting the same relay gets the mail (the control for the test above).
func TestSMTPWithoutRequireTLSSendsToAPlainRelay(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.Options{NoSTARTTLS: true})
	m := startDemoWith(t, "", func(c *Config) { c.SMTPAddr = srv.Addr() })
	queueMail(t, m, "plain@example.ir")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := m.Runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, msg := range srv.Messages() {
			if len(msg.To) == 1 && msg.To[0] == "plain@example.ir" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("mail not delivered to the plain relay")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
