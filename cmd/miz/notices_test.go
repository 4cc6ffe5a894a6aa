package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/notify/smtptest"
	"github.com/itoir/miz/internal/store/storetest"
)

// mailText decodes the text/plain part of a received message.
func mailText(t *testing.T, data []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return ""
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
			return string(b)
		}
	}
}

// waitMail runs due jobs until the SMTP receiver holds a message to rcpt whose text
// contains want, and returns that text.
func waitMail(t *testing.T, m *Main, srv *smtptest.Server, rcpt, want string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := m.Runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, msg := range srv.Messages() {
			if len(msg.To) == 1 && msg.To[0] == rcpt {
				if text := mailText(t, msg.Data); strings.Contains(text, want) {
					return text
				}
			}
		}
		time.Sleep(20 * time.Millisecond) // delivery is asynchronous; this waits for a goroutine, not a clock
	}
	t.Fatalf("no e-mail to %s containing %q", rcpt, want)
	return ""
}

func notices(t *testing.T, m *Main, token string) (int, []map[string]any) {
	t.Helper()
	resp, out := doJSON(t, "GET", m.URL()+"/api/v1/notices", token, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("notices: %d %v", resp.StatusCode, out)
	}
	var list []map[string]any
	for _, n := range out["notices"].([]any) {
		list = append(list, n.(map[string]any))
	}
	return int(out["unread"].(float64)), list
}

// TestApplicantIsToldEachStep_Issue14 runs the real binary with a real SMTP receiver
// and an SMS gateway: the applicant submits and gets the tracking code by SMS and in
// the inbox; returned as incomplete, reads the missing item in the inbox and by
// e-mail; resubmits. Marking a notice read is theirs alone.
func TestApplicantIsToldEachStep_Issue14(t *testing.T) {
	run := func(t *testing.T, dbURL string) {
		smtp := smtptest.NewServer(t, smtptest.Options{NoSTARTTLS: true})
		gw := &smsGateway{}
		gsrv := httptest.NewServer(gw)
		t.Cleanup(gsrv.Close)
		m := startDemoWith(t, dbURL, func(c *Config) { c.SMTPAddr, c.SMSURL = smtp.Addr(), gsrv.URL })
		u := m.URL()
		applicant := apiLogin(t, m, "demo-applicant", "")
		resp, out := doJSON(t, "POST", u+"/api/v1/cases", applicant, "application/json",
			`{"service":"certify","kind":"application","form":`+certifyForm+`}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("open: %d %v", resp.StatusCode, out)
		}
		code := out["tracking_code"].(string)
		for _, typ := range []string{"national_card", "product_description", "user_manual", "test_access", "ownership_declaration"} {
			uploadDocument(t, m, applicant, code, typ)
		}
		if resp, out = doJSON(t, "POST", u+"/api/v1/cases/"+code+"/submit", applicant, "application/json", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("submit: %d %v", resp.StatusCode, out)
		}
		gw.waitSMS(t, m, code) // the tracking code by SMS
		unread, list := notices(t, m, applicant)
		if unread < 1 || !strings.Contains(fmt.Sprint(list[0]["title"]), code) {
			t.Fatalf("inbox after submit: %d unread, %v", unread, list)
		}

		expert := staffLogin(t, m, "demo-expert")
		note := "راهنمای کاربری فارسی پیوست نشده است"
		resp, out = doJSON(t, "POST", u+"/api/v1/cases/"+code+"/return", expert, "application/json",
			`{"items":[{"item":"user_manual","note":"`+note+`"}]}`)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("return incomplete: %d %v", resp.StatusCode, out)
		}
		text := waitMail(t, m, smtp, "ali.rezaei@example.org", note)
		if !strings.Contains(text, code) || strings.Contains(text, "user_manual") {
			t.Fatalf("incomplete e-mail: %q", text)
		}
		gw.waitSMS(t, m, "ناقص") // the clock paused: SMS too
		_, list = notices(t, m, applicant)
		if !strings.Contains(fmt.Sprint(list[0]["body"]), note) {
			t.Fatalf("inbox does not say why: %v", list[0])
		}

		uploadDocument(t, m, applicant, code, "user_manual")
		if resp, out = doJSON(t, "POST", u+"/api/v1/cases/"+code+"/resubmit", applicant, "application/json", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("resubmit: %d %v", resp.StatusCode, out)
		}
		before, list := notices(t, m, applicant)
		id := fmt.Sprint(int64(list[0]["id"].(float64)))
		if resp, out = doJSON(t, "POST", u+"/api/v1/notices/"+id+"/read", expert, "application/json", ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("someone else marked the notice read: %d %v", resp.StatusCode, out)
		}
		if resp, out = doJSON(t, "POST", u+"/api/v1/notices/"+id+"/read", applicant, "application/json", ""); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("mark read: %d %v", resp.StatusCode, out)
		}
		if after, _ := notices(t, m, applicant); after != before-1 {
			t.Fatalf("unread %d → %d, want one fewer", before, after)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	t.Run("postgres", func(t *testing.T) { run(t, storetest.PostgresURL(t)) })
}

// TestDemoWithoutGatewaysKeepsMailInDevOutbox_Issue14: a demo with no SMTP relay and
// no SMS gateway delivers to the dev mailbox, which only an admin sees, and only in
// demo mode.
func TestDemoWithoutGatewaysKeepsMailInDevOutbox_Issue14(t *testing.T) {
	m := startDemoWith(t, "", func(*Config) {})
	queueMail(t, m, "dev@example.ir")
	runDueUntil(t, m, 1, `SELECT COUNT(*) FROM outbox WHERE recipient = 'dev@example.ir' AND state = 'sent' AND via = 'dev-mailbox'`)
	runDueUntil(t, m, 0, `SELECT COUNT(*) FROM outbox WHERE state IN ('failed', 'retrying')`)
	if resp, _ := doJSON(t, "GET", m.URL()+"/dev/outbox", "", "", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("anonymous /dev/outbox: %d", resp.StatusCode)
	}
	if devMailbox(Config{}, m.DB, nil) != nil {
		t.Fatal("dev mailbox outside demo mode")
	}
}
