package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// ViaDevMailbox marks an outbox message that a demo "delivered" to the dev mailbox.
const ViaDevMailbox = "dev-mailbox"

// DevMailbox stands in for the SMTP relay and the SMS gateway in demo mode when
// neither is configured (issue 14): every message counts as delivered and stays in
// the outbox, where the admin-only /dev/outbox page shows it, instead of failing
// into dead jobs.
type DevMailbox struct {
	DB *store.DB
}

// Send accepts an e-mail; the outbox row already holds it.
func (*DevMailbox) Send(context.Context, Email) error { return nil }

// SMS returns the mailbox as an SMS gateway.
func (d *DevMailbox) SMS() SMSGateway { return devSMS{} }

type devSMS struct{}

func (devSMS) Send(context.Context, string, string) error { return nil }

// Sent is one message of the outbox as the dev mailbox shows it.
type Sent struct {
	ID           int64
	Channel      Channel
	To, Subject  string
	Text         string
	State, Via   string
	RefKind      string
	RefID        string
	CreatedAt    time.Time
	DeliveredAt  time.Time
	LastError    string
	Attempts     int
	DevDelivered bool // delivered to the dev mailbox, not to a real relay
}

// Recent lists the newest outbox messages, at most limit (default 100).
func (d *DevMailbox) Recent(ctx context.Context, limit int) ([]Sent, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []Sent
	err := d.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT id, channel, recipient, subject, text_body, state, via, ref_kind, ref_id,
			created_at, sent_at, last_error, attempts FROM outbox ORDER BY id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s Sent
			var ch string
			var created, sent int64
			if err := rows.Scan(&s.ID, &ch, &s.To, &s.Subject, &s.Text, &s.State, &s.Via, &s.RefKind, &s.RefID,
				&created, &sent, &s.LastError, &s.Attempts); err != nil {
				return err
			}
			s.Channel, s.CreatedAt, s.DeliveredAt = Channel(ch), store.FromMillis(created), store.FromMillis(sent)
			s.DevDelivered = s.Via == ViaDevMailbox
			out = append(out, s)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("notify: dev mailbox: %w", err)
	}
	return out, nil
}
