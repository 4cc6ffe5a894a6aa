// Package notify tells people what happened to their requests: e-mail and SMS through a
// transactional outbox, and in-app notices.
//
// Queue writes the message into the outbox in the caller's transaction and enqueues a
// notify.send job (internal/jobs) beside it, so a message exists exactly when the change
// it reports commits. The job runner then delivers it through a Sender (SMTP for mail, an
// HTTP gateway for SMS), retrying with backoff; the outbox row records the outcome.
// Delivery is at least once: a crash between handing a message over and recording it
// may send it twice, which is better than a lost tracking code.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
)

// SendKind is the job kind that delivers one outbox message.
const SendKind = "notify.send"

// Channel is how a message travels.
type Channel string

// The outbox channels.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
)

// The states of an outbox row.
const (
	StateQueued   = "queued"
	StateRetrying = "retrying" // an attempt failed; the job runner tries again later
	StateSent     = "sent"
	StateFailed   = "failed" // gave up
)

// Message is one e-mail or SMS to send. For SMS only To and Text are used.
type Message struct {
	Channel Channel
	To      string // an e-mail address, or a mobile number in digits (e.g. 09121234567)
	Subject string
	Text    string // the plain-text body (the whole SMS)
	HTML    string // optional HTML alternative for e-mail
	RefKind string // what the message is about, e.g. "case"
	RefID   string // and which one, e.g. a tracking code
}

// sendPayload is the notify.send job's payload.
type sendPayload struct {
	OutboxID int64 `json:"outbox_id"`
}

// Queue stores m in the outbox within tx and enqueues its delivery job there too. Pass
// jobs.Wake(runner) to start delivery as soon as tx commits.
func Queue(ctx context.Context, tx *store.Tx, m Message, opts ...jobs.Option) error {
	to, err := checkMessage(m)
	if err != nil {
		return fmt.Errorf("notify: queue: %w", err)
	}
	id, err := tx.InsertID(ctx, `INSERT INTO outbox (channel, recipient, subject, text_body, html_body, state,
		ref_kind, ref_id, created_at) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
		string(m.Channel), to, m.Subject, m.Text, m.HTML, m.RefKind, m.RefID, store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("notify: queue %s to %s: %w", m.Channel, to, err)
	}
	if _, err := jobs.Enqueue(ctx, tx, SendKind, sendPayload{OutboxID: id}, opts...); err != nil {
		return fmt.Errorf("notify: queue %s to %s: %w", m.Channel, to, err)
	}
	return nil
}

// checkMessage validates m and returns its normalised recipient.
func checkMessage(m Message) (string, error) {
	switch m.Channel {
	case ChannelEmail:
		addr, err := mail.ParseAddress(m.To)
		if err != nil {
			return "", fmt.Errorf("e-mail recipient %q: %w", m.To, err)
		}
		if strings.ContainsAny(m.Subject, "\r\n") {
			return "", errors.New("subject contains a line break")
		}
		if m.Text == "" && m.HTML == "" {
			return "", errors.New("empty e-mail body")
		}
		return addr.Address, nil
	case ChannelSMS:
		if !validMobile(m.To) {
			return "", fmt.Errorf("SMS recipient %q: want digits, optionally after +", m.To)
		}
		if strings.TrimSpace(m.Text) == "" {
			return "", errors.New("empty SMS text")
		}
		return m.To, nil
	default:
		return "", fmt.Errorf("unknown channel %q", m.Channel)
	}
}

func validMobile(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 8 || len(s) > 15 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// SMS returns a short SMS message in Persian, such as a tracking code notice.
func SMS(to, textFa string) Message {
	return Message{Channel: ChannelSMS, To: to, Text: textFa}
}
