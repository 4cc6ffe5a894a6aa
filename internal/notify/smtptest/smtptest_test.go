package smtptest_test

import (
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/notify/smtptest"
)

func TestServerAcceptsMailOverSTARTTLSWithAuthAndUnstuffsDots(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{Username: "miz", Password: "secret", RequireTLS: true})
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("desk.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("a@test"); err == nil || !strings.Contains(err.Error(), "530") {
		t.Fatalf("MAIL before STARTTLS: %v", err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not offered")
	}
	if err := c.StartTLS(srv.ClientTLSConfig()); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "miz", "secret", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	// A transaction abandoned with RSET leaves nothing behind.
	if err := c.Mail("dropped@test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("desk@ito.test"); err != nil {
		t.Fatal(err)
	}
	for _, rcpt := range []string{"a@test", "b@test"} {
		if err := c.Rcpt(rcpt); err != nil {
			t.Fatal(err)
		}
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	body := "Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\tdot tab\r\nسلام\r\n"
	if _, err := w.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.WaitFor(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	if len(msgs) != 1 || m.From != "desk@ito.test" || strings.Join(m.To, ",") != "a@test,b@test" {
		t.Fatalf("envelope %+v", m)
	}
	if !m.TLS || m.AuthUser != "miz" || m.Helo != "desk.test" {
		t.Fatalf("session facts %+v", m)
	}
	if string(m.Data) != body {
		t.Fatalf("data %q, want %q", m.Data, body)
	}
}

func TestServerRejectsWrongPassword(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{Username: "miz", Password: "secret"})
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(srv.ClientTLSConfig()); err != nil {
		t.Fatal(err)
	}
	err = c.Auth(smtp.PlainAuth("", "miz", "wrong", "127.0.0.1"))
	if err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("wrong password: %v", err)
	}
}

func TestWaitForTimesOutWithoutMail(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{NoSTARTTLS: true})
	if _, err := srv.WaitFor(1, 10*time.Millisecond); err == nil {
		t.Fatal("WaitFor succeeded with no mail")
	}
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("x"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Fatal("STARTTLS offered although disabled")
	}
	if err := c.Rcpt("a@test"); err == nil {
		t.Fatal("RCPT before MAIL accepted")
	}
}
