package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
)

// Sender delivers outbox messages as the notify.send job handler.
type Sender struct {
	DB   *store.DB
	Mail Mailer     // nil: e-mail messages fail permanently
	SMS  SMSGateway // nil: SMS messages fail permanently
	Log  *slog.Logger
}

// via names where a delivered message went, recorded on its outbox row: "smtp",
// "sms", or ViaDevMailbox in a demo without gateways.
func (s *Sender) via(ch Channel) string {
	switch ch {
	case ChannelEmail:
		if _, dev := s.Mail.(*DevMailbox); dev {
			return ViaDevMailbox
		}
		return "smtp"
	case ChannelSMS:
		if _, dev := s.SMS.(devSMS); dev {
			return ViaDevMailbox
		}
	}
	return string(ch)
}

// Register makes s the handler of notify.send jobs on r.
func (s *Sender) Register(r *jobs.Runner) { r.Handle(SendKind, s.Handle) }

// Handle delivers the outbox message named by the job and records the outcome. A
// message already sent is not sent again, so a repeated job is harmless.
func (s *Sender) Handle(ctx context.Context, j jobs.Job) error {
	var p sendPayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	var (
		channel, state string
		e              Email
		created        int64
	)
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT channel, recipient, subject, text_body, html_body, state, created_at
			FROM outbox WHERE id = ?`, p.OutboxID).
			Scan(&channel, &e.To, &e.Subject, &e.Text, &e.HTML, &state, &created)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return jobs.Permanent(fmt.Errorf("notify: outbox #%d: %w", p.OutboxID, store.ErrNotFound))
	}
	if err != nil {
		return fmt.Errorf("notify: outbox #%d: %w", p.OutboxID, err)
	}
	if state == StateSent {
		return nil
	}
	e.OutboxID, e.Date = p.OutboxID, store.FromMillis(created)

	sendErr := s.deliver(ctx, Channel(channel), e)
	final := sendErr != nil && (jobs.IsPermanent(sendErr) || j.Attempt >= j.MaxAttempts)
	if sendErr != nil && s.Log != nil {
		s.Log.Warn("notify: delivery failed", "outbox", p.OutboxID, "channel", channel,
			"attempt", j.Attempt, "final", final, "err", sendErr)
	}
	// issue 18: the outbox row is written in the runner's transaction that records the
	// job's outcome, one write call instead of two. If that transaction fails, the
	// runner retries the job (a message that did go out is then sent again, which
	// at-least-once delivery accepts).
	write := func(ctx context.Context, tx *store.Tx, o jobs.Outcome) error {
		// The lease ran out and another instance claimed the job again. A message that
		// went out is still recorded as sent: it is true, and a newer run that reads the
		// row after this commit does not send it again. A failure is not recorded: the
		// newer run records its own attempt, and this stale one must not turn a row that
		// run marked sent back into retrying or failed.
		if !o.Held && sendErr != nil {
			return nil
		}
		return s.record(ctx, tx, p.OutboxID, Channel(channel), sendErr, final)
	}
	if !jobs.OnOutcome(ctx, write) {
		// Not run by a jobs.Runner: record in a transaction of its own.
		wctx := context.WithoutCancel(ctx)
		err := s.DB.Update(wctx, func(tx *store.Tx) error {
			return write(wctx, tx, jobs.Outcome{Held: true})
		})
		if err != nil {
			return err
		}
	}
	return sendErr
}

func (s *Sender) deliver(ctx context.Context, ch Channel, e Email) error {
	switch ch {
	case ChannelEmail:
		if s.Mail == nil {
			return jobs.Permanent(errors.New("notify: no mailer configured"))
		}
		return s.Mail.Send(ctx, e)
	case ChannelSMS:
		if s.SMS == nil {
			return jobs.Permanent(errors.New("notify: no SMS gateway configured"))
		}
		return s.SMS.Send(ctx, e.To, e.Text)
	default:
		return jobs.Permanent(fmt.Errorf("notify: unknown channel %q", ch))
	}
}

// record updates outbox row id with the outcome of one delivery attempt.
func (s *Sender) record(ctx context.Context, tx *store.Tx, id int64, ch Channel, sendErr error, final bool) error {
	var err error
	if sendErr == nil {
		_, err = tx.Exec(ctx, `UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_error = '',
			sent_at = ?, via = ? WHERE id = ?`, store.Millis(tx.Now), s.via(ch), id)
	} else {
		state := StateRetrying
		if final {
			state = StateFailed
		}
		msg := sendErr.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		_, err = tx.Exec(ctx, "UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
			state, msg, id)
	}
	if err != nil {
		return fmt.Errorf("notify: record outbox #%d: %w", id, err)
	}
	return nil
}
