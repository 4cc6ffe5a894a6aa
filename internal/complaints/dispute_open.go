package complaints

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// DisputeInput is what an applicant contests about a case, and why.
type DisputeInput struct {
	// Subject is decision, delay, document_demand or conduct.
	Subject string
	Body    string
}

// maxText bounds every free text of the dispute path.
const maxText = 8000

func checkText(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", problem.Field(field, "complaints.text.required")
	}
	if len([]rune(s)) > maxText {
		return "", problem.Field(field, "complaints.text.too_long", maxText)
	}
	return s, nil
}

// OpenDispute starts a negotiation (§7) about one of p's own cases, open or closed,
// with its first message. The unit's answer is due within the catalog's
// negotiation_response_time on the business calendar (SLA-CLOCK rule 10), checked by a
// durable job at the deadline; the service's supervisors are told at once.
func (d *Service) OpenDispute(ctx context.Context, p *identity.Principal, caseCode string, in DisputeInput) (*Dispute, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var out *Dispute
	err := d.change(ctx, p, "dispute.open", "case", caseCode, func(tx *store.Tx) error {
		if !validSubject(in.Subject) {
			return problem.Field("subject", "complaints.dispute.subject")
		}
		body, err := checkText("body", in.Body)
		if err != nil {
			return err
		}
		c, err := cases.LookupRef(ctx, tx, caseCode)
		if err != nil {
			return err
		}
		if !authz.Decide(p, authz.Create, c.Resource(authz.Dispute)) {
			return problem.New(problem.NotFound, "cases.not_found")
		}
		svc, err := d.Catalog(ctx, c.Service, c.ServiceVersion)
		if err != nil {
			return err
		}
		code, err := cases.NewTrackingCode(d.Rand)
		if err != nil {
			return err
		}
		nrt := svc.Complaints.NegotiationResponseTime
		due := sla.Deadline(tx.Now, budget(nrt.Amount, nrt.Unit), d.calendar())
		id, err := tx.InsertID(ctx, `INSERT INTO disputes (tracking_code, case_id, service, applicant_account_id, subject,
			state, opened_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			code, c.ID, c.Service, p.ID, in.Subject, DisputeNegotiating, store.Millis(tx.Now), store.Millis(due))
		if err != nil {
			return fmt.Errorf("complaints: open dispute on %s: %w", c.Code, err)
		}
		if err := addDisputeMessage(ctx, tx, id, p, "message", body); err != nil {
			return err
		}
		out = &Dispute{ID: id, TrackingCode: code, CaseCode: c.Code, Service: c.Service, ApplicantAccountID: p.ID,
			Subject: in.Subject, State: DisputeNegotiating, OpenedAt: tx.Now, DueAt: due}
		if err := d.scheduleDispute(ctx, tx, out); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor(p), "dispute.opened", "dispute", code,
			map[string]any{"case": c.Code, "subject": in.Subject, "due_at": store.Millis(due)}); err != nil {
			return err
		}
		sups, err := holders(ctx, tx, c.Service, string(identity.Supervisor))
		if err != nil {
			return err
		}
		return d.tell(ctx, tx, sups, notice{key: "complaints.notice.dispute_opened", args: []any{code, c.Code},
			link: disputeLink(id), refKind: "dispute", refID: code, email: true})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func disputeLink(id int64) string   { return fmt.Sprintf("/disputes/%d", id) }
func complaintLink(id int64) string { return fmt.Sprintf("/complaints/%d", id) }

func addDisputeMessage(ctx context.Context, tx *store.Tx, disputeID int64, p *identity.Principal, kind, body string) error {
	_, err := tx.Exec(ctx, `INSERT INTO dispute_messages (dispute_id, author_account_id, by_staff, kind, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, disputeID, p.ID, p.IsStaff(), kind, body, store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("complaints: dispute %d: message: %w", disputeID, err)
	}
	return nil
}

// loadDispute reads a dispute and its case, and checks that p may apply verb to it;
// someone who may not even see it gets NotFound, so that ids cannot be probed.
func loadDispute(ctx context.Context, tx *store.Tx, p *identity.Principal, id int64, verb authz.Verb) (*Dispute, *cases.Ref, error) {
	var dp Dispute
	var caseID int64
	var opened, due, responded, closed int64
	var complaint sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT d.id, d.tracking_code, d.case_id, d.service, d.applicant_account_id, d.subject, d.state,
		d.opened_at, d.due_at, d.responded_at, d.settlement, d.settlement_by, d.closed_at,
		(SELECT c.id FROM complaints c WHERE c.dispute_id = d.id)
		FROM disputes d WHERE d.id = ?`, id).Scan(&dp.ID, &dp.TrackingCode, &caseID, &dp.Service, &dp.ApplicantAccountID,
		&dp.Subject, &dp.State, &opened, &due, &responded, &dp.Settlement, &dp.SettlementBy, &closed, &complaint)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, &problem.Error{Code: problem.NotFound, Key: "complaints.dispute.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("complaints: load dispute %d: %w", id, err)
	}
	dp.OpenedAt, dp.DueAt, dp.RespondedAt, dp.ClosedAt = store.FromMillis(opened), store.FromMillis(due),
		store.FromMillis(responded), store.FromMillis(closed)
	dp.ComplaintID = complaint.Int64
	c, err := cases.LookupRefByID(ctx, tx, caseID)
	if err != nil {
		return nil, nil, err
	}
	dp.CaseCode = c.Code
	r := c.Resource(authz.Dispute)
	if !authz.Decide(p, verb, r) {
		if p == nil {
			return nil, nil, problem.New(problem.Unauthorized, "error.unauthorized")
		}
		if !authz.Decide(p, authz.View, r) {
			return nil, nil, problem.New(problem.NotFound, "complaints.dispute.not_found")
		}
		return nil, nil, problem.New(problem.Forbidden, "complaints.forbidden")
	}
	return &dp, c, nil
}
