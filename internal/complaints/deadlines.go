package complaints

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
)

// Job kinds of the dispute path's deadlines (SLA-CLOCK rules 7 and 10): the unit's
// answer to a negotiation (catalog negotiation_response_time) and the committee's
// decision on a complaint (catalog decision_time).
const (
	DisputeDueJob   = "complaints.dispute_due"
	ComplaintDueJob = "complaints.complaint_due"
)

// disputeDue names a negotiation and the deadline the job was scheduled for.
type disputeDue struct {
	ID  int64 `json:"id"`
	Due int64 `json:"due"`
}

// complaintDue names a complaint and the length of its holder history when the job
// was scheduled; a later pause or resumption makes the job stale.
type complaintDue struct {
	ID     int64 `json:"id"`
	Events int   `json:"events"`
}

// RegisterJobs registers the handlers of the negotiation and complaint deadlines on r.
func (d *Service) RegisterJobs(r *jobs.Runner) {
	r.Handle(DisputeDueJob, d.handleDisputeDue)
	r.Handle(ComplaintDueJob, d.handleComplaintDue)
}

// scheduleDispute enqueues the check of a negotiation's answer at its deadline, in
// the transaction that opened it, so that it survives a restart.
func (d *Service) scheduleDispute(ctx context.Context, tx *store.Tx, dp *Dispute) error {
	due := store.Millis(dp.DueAt)
	key := "complaints:dispute:" + strconv.FormatInt(dp.ID, 10) + ":" + strconv.FormatInt(due, 10)
	opts := append([]jobs.Option{jobs.At(dp.DueAt), jobs.Unique(key)}, d.queueOpts()...)
	if _, err := jobs.Enqueue(ctx, tx, DisputeDueJob, disputeDue{ID: dp.ID, Due: due}, opts...); err != nil {
		return fmt.Errorf("complaints: dispute %s: schedule: %w", dp.TrackingCode, err)
	}
	return nil
}

// scheduleComplaint rebuilds a complaint's clock from its holder history and, while
// the Organization holds it, enqueues the check at the instant the decision time runs
// out and stores that instant as the complaint's due date. While the applicant holds
// it the clock is paused and nothing is scheduled: answering the request resumes it
// and schedules again (SLA-CLOCK rules 1, 10).
func (d *Service) scheduleComplaint(ctx context.Context, tx *store.Tx, k *Complaint) error {
	st, err := d.clock(ctx, tx, k, tx.Now)
	if err != nil {
		return err
	}
	if !st.Started || st.Stopped || st.Paused || st.DueAt.IsZero() {
		return nil
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = ?", k.ID).Scan(&n); err != nil {
		return fmt.Errorf("complaints: %s: schedule: %w", k.TrackingCode, err)
	}
	if _, err := tx.Exec(ctx, "UPDATE complaints SET due_at = ? WHERE id = ?", store.Millis(st.DueAt), k.ID); err != nil {
		return fmt.Errorf("complaints: %s: due: %w", k.TrackingCode, err)
	}
	k.DueAt = st.DueAt
	key := "complaints:complaint:" + strconv.FormatInt(k.ID, 10) + ":" + strconv.Itoa(n)
	opts := append([]jobs.Option{jobs.At(st.DueAt), jobs.Unique(key)}, d.queueOpts()...)
	if _, err := jobs.Enqueue(ctx, tx, ComplaintDueJob, complaintDue{ID: k.ID, Events: n}, opts...); err != nil {
		return fmt.Errorf("complaints: %s: schedule: %w", k.TrackingCode, err)
	}
	return nil
}

// handleDisputeDue is the jobs.Handler of DisputeDueJob: if the negotiation is still
// open, unanswered by the unit and due when the job was made, it records the overdue
// answer in the audit log and tells the service's supervisors (in-app and e-mail).
// A job made stale by an answer, a settlement or an escalation does nothing.
func (d *Service) handleDisputeDue(ctx context.Context, job jobs.Job) error {
	var p disputeDue
	if err := job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return d.update(ctx, func(tx *store.Tx) error {
		var code, service, state string
		var due, responded int64
		err := tx.QueryRow(ctx, "SELECT tracking_code, service, state, due_at, responded_at FROM disputes WHERE id = ?", p.ID).
			Scan(&code, &service, &state, &due, &responded)
		if errors.Is(err, sql.ErrNoRows) {
			return jobs.Permanent(fmt.Errorf("complaints: dispute %d: %w", p.ID, store.ErrNotFound))
		}
		if err != nil {
			return fmt.Errorf("complaints: dispute %d: due: %w", p.ID, err)
		}
		if state != DisputeNegotiating || responded != 0 || due != p.Due || store.Millis(tx.Now) < due {
			return nil
		}
		if err := audit.Record(ctx, tx, "system", "dispute.overdue", "dispute", code, map[string]any{"due_at": due}); err != nil {
			return err
		}
		sups, err := holders(ctx, tx, service, string(identity.Supervisor))
		if err != nil {
			return err
		}
		return d.tell(ctx, tx, sups, notice{key: "complaints.notice.dispute_overdue", args: []any{code},
			link: disputeLink(p.ID), refKind: "dispute", refID: code, email: true})
	})
}

// handleComplaintDue is the jobs.Handler of ComplaintDueJob: if the complaint is
// undecided, its holder history unchanged since the job was made, and its clock has
// run out, it records the overdue decision in the audit log and tells the service's
// supervisors (in-app and e-mail). A decision, a pause or a resumption makes the job
// stale; a resumption has scheduled its own.
func (d *Service) handleComplaintDue(ctx context.Context, job jobs.Job) error {
	var p complaintDue
	if err := job.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return d.update(ctx, func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, p.ID)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return jobs.Permanent(err)
			}
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM complaint_events WHERE complaint_id = ?", l.ID).Scan(&n); err != nil {
			return fmt.Errorf("complaints: %s: due: %w", l.TrackingCode, err)
		}
		if l.State == StateAnnounced || n != p.Events {
			return nil
		}
		st, err := d.clock(ctx, tx, l.Complaint, tx.Now)
		if err != nil {
			return err
		}
		if st.Stopped || st.Paused || !st.Breached {
			return nil
		}
		if err := audit.Record(ctx, tx, "system", "complaint.overdue", "complaint", l.TrackingCode, map[string]any{
			"used_seconds": st.Used, "budget_seconds": st.Budget, "due_at": store.Millis(st.BreachedAt)}); err != nil {
			return err
		}
		sups, err := holders(ctx, tx, l.Service, string(identity.Supervisor))
		if err != nil {
			return err
		}
		return d.tell(ctx, tx, sups, notice{key: "complaints.notice.complaint_overdue", args: []any{l.TrackingCode},
			link: complaintLink(l.ID), refKind: "complaint", refID: l.TrackingCode, email: true})
	})
}
