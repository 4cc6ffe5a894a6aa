package complaints

import (
	"context"
	"fmt"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// GetDispute returns a negotiation with its thread to its applicant or the service's
// supervisors.
func (d *Service) GetDispute(ctx context.Context, p *identity.Principal, id int64) (*Dispute, error) {
	var out *Dispute
	err := d.view(ctx, func(tx *store.Tx) error {
		dp, _, err := loadDispute(ctx, tx, p, id, authz.View)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, author_account_id, by_staff, kind, body, created_at FROM dispute_messages
			WHERE dispute_id = ? ORDER BY id`, id)
		if err != nil {
			return fmt.Errorf("complaints: dispute %d: thread: %w", id, err)
		}
		defer rows.Close()
		for rows.Next() {
			var m DisputeMessage
			var at int64
			if err := rows.Scan(&m.ID, &m.AuthorID, &m.ByStaff, &m.Kind, &m.Body, &at); err != nil {
				return err
			}
			m.At = store.FromMillis(at)
			dp.Messages = append(dp.Messages, m)
		}
		out = dp
		return rows.Err()
	})
	return out, err
}

// PostDisputeMessage adds a message to a negotiation; the unit's first message is its
// answer, which the negotiation deadline measures (SLA-CLOCK rule 10).
func (d *Service) PostDisputeMessage(ctx context.Context, p *identity.Principal, id int64, body string) error {
	return d.change(ctx, p, "dispute.message", "dispute", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		dp, _, err := loadDispute(ctx, tx, p, id, authz.Act)
		if err != nil {
			return err
		}
		if body, err = checkText("body", body); err != nil {
			return err
		}
		if dp.State != DisputeNegotiating {
			return problem.New(problem.Conflict, "complaints.dispute.closed")
		}
		return d.disputeSays(ctx, tx, p, dp, "message", body, "dispute.message")
	})
}

// disputeSays records a message of kind on the thread, marks the unit's first answer,
// audits the action and tells the other side.
func (d *Service) disputeSays(ctx context.Context, tx *store.Tx, p *identity.Principal, dp *Dispute, kind, body, action string) error {
	if err := addDisputeMessage(ctx, tx, dp.ID, p, kind, body); err != nil {
		return err
	}
	if p.IsStaff() && dp.RespondedAt.IsZero() {
		if _, err := tx.Exec(ctx, "UPDATE disputes SET responded_at = ? WHERE id = ?", store.Millis(tx.Now), dp.ID); err != nil {
			return fmt.Errorf("complaints: dispute %d: answer: %w", dp.ID, err)
		}
	}
	if err := audit.Record(ctx, tx, actor(p), action, "dispute", dp.TrackingCode, map[string]any{"kind": kind}); err != nil {
		return err
	}
	to := []int64{dp.ApplicantAccountID}
	if !p.IsStaff() {
		sups, err := holders(ctx, tx, dp.Service, string(identity.Supervisor))
		if err != nil {
			return err
		}
		to = sups
	}
	return d.tell(ctx, tx, to, notice{key: "complaints.notice.dispute_" + kind, args: []any{dp.TrackingCode},
		link: disputeLink(dp.ID), refKind: "dispute", refID: dp.TrackingCode, email: kind != "message"})
}

// ProposeSettlement puts a settlement on the table; either side may (§7). A new
// proposal replaces the previous one.
func (d *Service) ProposeSettlement(ctx context.Context, p *identity.Principal, id int64, text string) error {
	return d.change(ctx, p, "dispute.propose", "dispute", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		dp, _, err := loadDispute(ctx, tx, p, id, authz.Act)
		if err != nil {
			return err
		}
		if text, err = checkText("text", text); err != nil {
			return err
		}
		if dp.State != DisputeNegotiating {
			return problem.New(problem.Conflict, "complaints.dispute.closed")
		}
		if _, err := tx.Exec(ctx, "UPDATE disputes SET settlement = ?, settlement_by = ?, version = version + 1 WHERE id = ?",
			text, p.ID, id); err != nil {
			return fmt.Errorf("complaints: dispute %d: propose: %w", id, err)
		}
		return d.disputeSays(ctx, tx, p, dp, "settlement", text, "dispute.settlement_proposed")
	})
}

// AcceptSettlement accepts the proposal on the table and closes the negotiation as
// settled. The side that made the proposal cannot accept it.
func (d *Service) AcceptSettlement(ctx context.Context, p *identity.Principal, id int64) error {
	return d.change(ctx, p, "dispute.accept", "dispute", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		dp, _, err := loadDispute(ctx, tx, p, id, authz.Act)
		if err != nil {
			return err
		}
		if dp.State != DisputeNegotiating {
			return problem.New(problem.Conflict, "complaints.dispute.closed")
		}
		if dp.Settlement == "" {
			return problem.New(problem.Conflict, "complaints.settlement.none")
		}
		if proposerIsStaff, err := isStaffAccount(ctx, tx, dp.SettlementBy); err != nil {
			return err
		} else if proposerIsStaff == p.IsStaff() {
			return problem.New(problem.Conflict, "complaints.settlement.own")
		}
		if _, err := tx.Exec(ctx, "UPDATE disputes SET state = ?, closed_at = ?, version = version + 1 WHERE id = ?",
			DisputeSettled, store.Millis(tx.Now), id); err != nil {
			return fmt.Errorf("complaints: dispute %d: settle: %w", id, err)
		}
		return d.disputeSays(ctx, tx, p, dp, "accepted", dp.Settlement, "dispute.settled")
	})
}

func isStaffAccount(ctx context.Context, tx *store.Tx, id int64) (bool, error) {
	var kind string
	if err := tx.QueryRow(ctx, "SELECT kind FROM accounts WHERE id = ?", id).Scan(&kind); err != nil {
		return false, fmt.Errorf("complaints: account %d: %w", id, err)
	}
	return kind == string(identity.KindStaff), nil
}

// Escalate turns a failed negotiation into a formal complaint (§7) and returns it.
// Only the applicant may, once: a second escalation is refused and audited.
func (d *Service) Escalate(ctx context.Context, p *identity.Principal, id int64, body string) (*Complaint, error) {
	var out *Complaint
	err := d.change(ctx, p, "dispute.escalate", "dispute", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		dp, c, err := loadDispute(ctx, tx, p, id, authz.View)
		if err != nil {
			return err
		}
		if !authz.Decide(p, authz.Create, c.Resource(authz.Complaint)) {
			return problem.New(problem.Forbidden, "complaints.forbidden")
		}
		if dp.State == DisputeEscalated || dp.ComplaintID != 0 {
			return problem.New(problem.Conflict, "complaints.dispute.escalated")
		}
		if dp.State != DisputeNegotiating {
			return problem.New(problem.Conflict, "complaints.dispute.closed")
		}
		if body == "" {
			body = dp.Subject
		}
		if body, err = checkText("body", body); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, "UPDATE disputes SET state = ?, closed_at = ?, version = version + 1 WHERE id = ? AND state = ?",
			DisputeEscalated, store.Millis(tx.Now), id, DisputeNegotiating)
		if err != nil {
			return fmt.Errorf("complaints: dispute %d: escalate: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return &problem.Error{Code: problem.Conflict, Key: "complaints.dispute.escalated", Err: err}
		}
		out, err = d.file(ctx, tx, p, c, c.Service, TypeEscalation, body, dp.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
