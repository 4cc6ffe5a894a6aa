package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/notify/smtptest"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

var received = notify.Bilingual{
	SubjectFa: "درخواست شما ثبت شد",
	SubjectEn: "Your request was received",
	BodyFa:    "درخواست گواهی احراز اصالت و سلامت اداری ثبت شد.\n\nکد رهگیری: ۱۴۰۵-۰۰۰۱۲۳",
	BodyEn:    "Your request for a certificate of authenticity was received.\n\nTracking code: 1405-000123",
	Link:      "https://miz.ito.gov.ir/cases/1405-000123",
}

func TestBilingualEmailDeliveredOverSTARTTLSIsRTLAndDecodes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		srv := smtptest.NewServer(t, smtptest.Options{Username: "miz", Password: "s3cret", RequireTLS: true})
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		mailer := &notify.SMTPMailer{Addr: srv.Addr(), Username: "miz", Password: "s3cret",
			From: "میز خدمت <desk@ito.test>", HeloName: "miz.test", TLS: notify.TLSRequire,
			TLSConfig: srv.ClientTLSConfig()}
		(&notify.Sender{DB: db, Mail: mailer}).Register(r)

		m := received.Email("applicant@example.ir")
		m.RefKind, m.RefID = "case", "1405-000123"
		queue(t, db, m)
		runDue(t, r, 1)

		msgs, err := srv.WaitFor(1, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		got := msgs[0]
		if !got.TLS || got.AuthUser != "miz" || got.From != "desk@ito.test" || got.To[0] != "applicant@example.ir" {
			t.Fatalf("envelope %+v", got)
		}
		text, html := parseBilingual(t, got.Data)
		for _, want := range []string{"کد رهگیری: ۱۴۰۵-۰۰۰۱۲۳", "Tracking code: 1405-000123", received.Link} {
			if !strings.Contains(text, want) {
				t.Errorf("text part lacks %q:\n%s", want, text)
			}
		}
		fa, en := strings.Index(html, `dir="rtl" lang="fa"`), strings.Index(html, `dir="ltr" lang="en"`)
		if fa < 0 || en < fa || !strings.Contains(html, `<html lang="fa" dir="rtl">`) {
			t.Errorf("HTML part is not RTL Persian first, then LTR English:\n%s", html)
		}
		if p := strings.Index(html, "کد رهگیری"); p < fa || p > en {
			t.Errorf("Persian body not inside the RTL section")
		}

		row := lastOutbox(t, db)
		if row.State != notify.StateSent || row.Attempts != 1 || !row.SentAt.Equal(clk.Now()) ||
			row.RefKind != "case" || row.RefID != "1405-000123" {
			t.Fatalf("outbox %+v", row)
		}
		runDue(t, r, 0)
	})
}

// parseBilingual checks the headers of a received message and returns its decoded
// text and HTML parts.
func parseBilingual(t *testing.T, data []byte) (text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "درخواست شما ثبت شد | Your request was received" {
		t.Fatalf("subject %q (%v), raw %q", subject, err, msg.Header.Get("Subject"))
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || from[0].Name != "میز خدمت" || from[0].Address != "desk@ito.test" {
		t.Fatalf("from %v (%v)", from, err)
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(time.Date(2026, 3, 14, 10, 30, 0, 0, time.UTC)) {
		t.Fatalf("date %v (%v)", d, err)
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<miz.outbox.") || !strings.HasSuffix(id, "@ito.test>") {
		t.Fatalf("message-id %q", id)
	}
	if msg.Header.Get("MIME-Version") != "1.0" {
		t.Fatal("no MIME-Version")
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q (%v)", mt, err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, cp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if cp["charset"] != "utf-8" || p.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Fatalf("part headers %v", p.Header)
		}
		body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if err != nil {
			t.Fatal(err)
		}
		parts[ct] = string(body)
	}
	if len(parts) != 2 || parts["text/plain"] == "" || parts["text/html"] == "" {
		t.Fatalf("parts %v", parts)
	}
	return parts["text/plain"], parts["text/html"]
}

func TestRenderEmailFoldsLongSubjectAndSendsTextOnlyPlain(t *testing.T) {
	subject := strings.Repeat("اطلاعیه تغییرات خدمت گواهی احراز اصالت ", 4)
	raw, err := notify.RenderEmail("desk@ito.test", notify.Email{OutboxID: 7, To: "a@example.ir",
		Subject: subject, Text: "متن", Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line of %d characters: %q", len(line), line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || got != strings.TrimSpace(subject) {
		t.Fatalf("subject %q (%v)", got, err)
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	body, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if string(body) != "متن" {
		t.Fatalf("body %q", body)
	}
}

func TestEmailWithoutSTARTTLSIsRetriedWhenTLSRequired(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		srv := smtptest.NewServer(t, smtptest.Options{NoSTARTTLS: true})
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		(&notify.Sender{DB: db, Mail: &notify.SMTPMailer{Addr: srv.Addr(), From: "desk@ito.test",
			TLS: notify.TLSRequire}}).Register(r)
		queue(t, db, received.Email("applicant@example.ir"))
		runDue(t, r, 1)
		if row := lastOutbox(t, db); row.State != notify.StateRetrying || !strings.Contains(row.LastError, "STARTTLS") {
			t.Fatalf("outbox %+v", row)
		}
		if len(srv.Messages()) != 0 {
			t.Fatal("mail sent in the clear although TLS was required")
		}
	})
}

func TestEmailWithoutMailerFailsForGood(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		(&notify.Sender{DB: db}).Register(r)
		queue(t, db, received.Email("applicant@example.ir"))
		runDue(t, r, 1)
		if row := lastOutbox(t, db); row.State != notify.StateFailed || row.Attempts != 1 {
			t.Fatalf("outbox %+v", row)
		}
		st, err := r.Stats(context.Background())
		if err != nil || st[notify.SendKind][jobs.StateDead] != 1 {
			t.Fatalf("stats %v (%v)", st, err)
		}
	})
}
