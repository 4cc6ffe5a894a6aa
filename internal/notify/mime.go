package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"
)

// Email is an outbox e-mail ready to render and send.
type Email struct {
	OutboxID int64 // makes the Message-ID stable across retries
	To       string
	Subject  string
	Text     string
	HTML     string
	Date     time.Time // when it was queued
}

// RenderEmail builds the RFC 5322 message for e from the sender from (an address,
// optionally with a display name): UTF-8 throughout, an RFC 2047 encoded Subject,
// Date and Message-ID headers, and multipart/alternative when there is an HTML part.
func RenderEmail(from string, e Email) ([]byte, error) {
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("notify: render: from %q: %w", from, err)
	}
	rcpt, err := mail.ParseAddress(e.To)
	if err != nil {
		return nil, fmt.Errorf("notify: render: to %q: %w", e.To, err)
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", sender.String())
	header("To", rcpt.String())
	header("Subject", encodeSubject(e.Subject))
	date := e.Date
	if date.IsZero() {
		date = time.Now()
	}
	header("Date", date.UTC().Format(time.RFC1123Z))
	header("Message-ID", messageID(sender.Address, e))
	header("MIME-Version", "1.0")
	header("Auto-Submitted", "auto-generated")
	if e.HTML == "" {
		header("Content-Type", "text/plain; charset=utf-8")
		header("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		writeBase64(&b, e.Text)
		return b.Bytes(), nil
	}
	mw := multipart.NewWriter(&b)
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	// Plain text first: in multipart/alternative the last part is the preferred one.
	for _, part := range []struct{ ctype, body string }{
		{"text/plain; charset=utf-8", e.Text},
		{"text/html; charset=utf-8", e.HTML},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.ctype},
			"Content-Transfer-Encoding": {"base64"},
		})
		if err != nil {
			return nil, fmt.Errorf("notify: render: %w", err)
		}
		var pb bytes.Buffer
		writeBase64(&pb, part.body)
		if _, err := w.Write(pb.Bytes()); err != nil {
			return nil, fmt.Errorf("notify: render: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("notify: render: %w", err)
	}
	return b.Bytes(), nil
}

// encodeSubject encodes s per RFC 2047 as B encoded words of at most 36 bytes of text
// each (60 characters), folded one to a line, so that no header line grows past the
// recommended 78 characters. Plain ASCII subjects stay readable.
func encodeSubject(s string) string {
	s = oneLine(s)
	if isPrintableASCII(s) && len(s) <= 68 {
		return s
	}
	var words []string
	for s != "" {
		n := 0
		for n < len(s) {
			_, size := utf8.DecodeRuneInString(s[n:])
			if n+size > 36 && n > 0 {
				break
			}
			n += size
		}
		words = append(words, "=?utf-8?b?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, "\r\n ")
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return !strings.Contains(s, "=?")
}

// writeBase64 writes s in base64 lines of 76 characters, as RFC 2045 asks.
func writeBase64(b *bytes.Buffer, s string) {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	if enc != "" {
		b.WriteString(enc + "\r\n")
	}
}

func messageID(from string, e Email) string {
	domain := "miz.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	if e.OutboxID == 0 {
		var r [8]byte
		_, _ = rand.Read(r[:])
		return fmt.Sprintf("<miz.%s@%s>", hex.EncodeToString(r[:]), domain)
	}
	return fmt.Sprintf("<miz.outbox.%d.%d@%s>", e.OutboxID, e.Date.UnixMilli(), domain)
}
