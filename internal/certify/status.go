package certify

import (
	"context"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
)

// canChange reports whether a certificate may move from one status to another.
// Revoked, expired and superseded are final.
func canChange(from, to Status) bool {
	switch from {
	case Active:
		return to == Suspended || to == Revoked || to == Expired || to == Superseded
	case Suspended:
		return to == Active || to == Revoked || to == Expired || to == Superseded
	}
	return false
}

// ChangeStatus moves the certificate to status inside tx, for a signer's suspend,
// revoke or reinstate (to Active), with a reason; the change is published in the
// registry, appended to the transparency log and audited in the same transaction.
func (r *Registry) ChangeStatus(ctx context.Context, tx *store.Tx, number string, to Status, reason, actor string) (Certificate, error) {
	reason = strings.TrimSpace(reason)
	if (to == Suspended || to == Revoked || to == Active) && reason == "" {
		return Certificate{}, fmt.Errorf("%w: reason", ErrInvalid)
	}
	if actor == "" {
		return Certificate{}, fmt.Errorf("%w: actor", ErrInvalid)
	}
	return r.changeStatus(ctx, tx, CanonicalNumber(number), to, reason, actor, "")
}

func (r *Registry) changeStatus(ctx context.Context, tx *store.Tx, number string, to Status, reason, actor, supersededBy string) (Certificate, error) {
	c, err := getTx(ctx, tx, number)
	if err != nil {
		return c, err
	}
	from := c.Status
	if !canChange(from, to) {
		return c, fmt.Errorf("%w: %s from %s to %s", ErrTransition, number, from, to)
	}
	if to == Expired && tx.Now.Before(c.ExpiresAt) {
		return c, fmt.Errorf("%w: %s does not expire until %s", ErrTransition, number, c.ExpiresAt)
	}
	if to == Active && !tx.Now.Before(c.ExpiresAt) {
		return c, fmt.Errorf("%w: %s has passed its expiry", ErrTransition, number)
	}
	if len(reason) > maxReason {
		reason = reason[:maxReason]
	}
	// The status in the WHERE clause makes a concurrent change lose cleanly.
	res, err := tx.Exec(ctx, `UPDATE certificates SET status = ?, status_reason = ?, status_at = ?,
		superseded_by = CASE WHEN ? <> '' THEN ? ELSE superseded_by END WHERE id = ? AND status = ?`,
		to, reason, store.Millis(tx.Now), supersededBy, supersededBy, c.id, from)
	if err != nil {
		return c, fmt.Errorf("certify: change %s: %w", number, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return c, fmt.Errorf("%w: %s changed concurrently", ErrTransition, number)
	}
	c.Status, c.StatusReason, c.StatusAt = to, reason, tx.Now
	if supersededBy != "" {
		c.SupersededBy = supersededBy
	}
	if _, err := r.appendEvent(ctx, tx, c, "status", from, to, reason, actor); err != nil {
		return c, err
	}
	if err := audit.Record(ctx, tx, actor, "certify.status", "certificate", number,
		map[string]any{"from": string(from), "to": string(to), "reason": reason}); err != nil {
		return c, err
	}
	r.checkpointAfter(ctx, tx)
	return c, nil
}

// appendEvent writes a status-history row and its transparency-log record.
func (r *Registry) appendEvent(ctx context.Context, tx *store.Tx, c Certificate, kind string, from, to Status, reason, actor string) (Event, error) {
	var seq int
	tx.AfterCommit(func() { r.changes.Add(1) })
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM certificate_events WHERE certificate_id = ?`, c.id).Scan(&seq); err != nil {
		return Event{}, fmt.Errorf("certify: event for %s: %w", c.Number, err)
	}
	at := store.Millis(tx.Now)
	rec := LogRecord{Type: RecordType, Kind: kind, Number: c.Number, Seq: seq, Status: to, Reason: reason, At: at, JWSSHA256: c.JWSSHA256}
	idx, err := r.Log.Append(ctx, tx, rec.Marshal())
	if err != nil {
		return Event{}, fmt.Errorf("certify: log %s: %w", c.Number, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO certificate_events (certificate_id, seq, at, kind, from_status, to_status, reason, actor, tlog_index,
		jws_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.id, seq, at, kind, from, to, reason, actor, idx, c.JWSSHA256); err != nil {
		return Event{}, fmt.Errorf("certify: event for %s: %w", c.Number, err)
	}
	return Event{Seq: seq, At: store.FromMillis(at), Kind: kind, FromStatus: from, ToStatus: to, Reason: reason, Actor: actor, TlogIndex: idx, Number: c.Number}, nil
}

type expirePayload struct {
	Number string `json:"number"`
}

// JobRunner is the part of jobs.Runner the module needs.
type JobRunner interface {
	Handle(kind string, h jobs.Handler)
}

// RegisterJobs registers the expiry job's handler on the runner.
func (r *Registry) RegisterJobs(jr JobRunner) { jr.Handle(ExpireJob, r.expireJob) }

// expireJob expires a certificate on time; it is idempotent, and leaves alone a
// certificate that was revoked or superseded in the meantime.
func (r *Registry) expireJob(ctx context.Context, j jobs.Job) error {
	var p expirePayload
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return r.DB.Update(ctx, func(tx *store.Tx) error {
		c, err := getTx(ctx, tx, p.Number)
		if err != nil {
			return jobs.Permanent(err)
		}
		if c.Status != Active && c.Status != Suspended {
			return nil
		}
		if tx.Now.Before(c.ExpiresAt) {
			return fmt.Errorf("certify: expire %s: not due until %s", c.Number, c.ExpiresAt)
		}
		_, err = r.changeStatus(ctx, tx, c.Number, Expired, "", "job:certify.expire", "")
		return err
	})
}
