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

func remedies(ctx context.Context, tx *store.Tx, id int64) ([]Remedy, error) {
	rows, err := tx.Query(ctx, "SELECT id, kind, detail, status, done_at, done_by, note FROM complaint_remedies WHERE complaint_id = ? ORDER BY id", id)
	if err != nil {
		return nil, fmt.Errorf("complaints: %d: remedies: %w", id, err)
	}
	defer rows.Close()
	var out []Remedy
	for rows.Next() {
		var r Remedy
		var at int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Detail, &r.Status, &at, &r.DoneBy, &r.Note); err != nil {
			return nil, err
		}
		r.DoneAt = store.FromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RemedyDone is how a supervisor reports a remedy carried out.
type RemedyDone struct {
	// Assignee is the staff account a reassign remedy gives the case to.
	Assignee int64
	Note     string
}

// CompleteRemedy carries out one remedy of an announced decision and marks it done.
// A supervisor of the service does it: reassign goes through the case engine's
// Assign; reopen goes through the engine when it can reopen (Reopener), and is
// otherwise done through the case's own steps and reported here; redo_step and
// apology are tracked. The applicant is told.
func (d *Desk) CompleteRemedy(ctx context.Context, p *identity.Principal, id, remedyID int64, in RemedyDone) error {
	object := strconv.FormatInt(id, 10)
	var caseCode, kind string
	err := d.view(ctx, func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := l.access(p); err != nil {
			return err
		}
		if !authz.Decide(p, authz.Act, l.res) {
			return problem.New(problem.Forbidden, "complaints.forbidden")
		}
		if l.State != StateAnnounced {
			return problem.New(problem.Conflict, "complaints.not_announced")
		}
		var status string
		if err := tx.QueryRow(ctx, "SELECT kind, status FROM complaint_remedies WHERE id = ? AND complaint_id = ?",
			remedyID, id).Scan(&kind, &status); err != nil {
			return problem.New(problem.NotFound, "complaints.remedy.not_found")
		}
		if status != "pending" {
			return problem.New(problem.Conflict, "complaints.remedy.done")
		}
		caseCode = l.CaseCode
		return nil
	})
	if err == nil && caseCode != "" && d.Cases != nil {
		switch kind {
		case RemedyReassign:
			if in.Assignee == 0 {
				err = problem.Field("assignee", "error.required")
			} else {
				err = d.Cases.Assign(ctx, p, caseCode, in.Assignee)
			}
		case RemedyReopen:
			if r, ok := d.Cases.(Reopener); ok {
				err = r.Reopen(ctx, p, caseCode, in.Note)
			}
		}
	}
	if err != nil {
		return d.refused(ctx, p, "complaint.remedy", "complaint", object, err)
	}
	return d.change(ctx, p, "complaint.remedy", "complaint", object, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE complaint_remedies SET status = 'done', done_at = ?, done_by = ?, note = ?
			WHERE id = ? AND complaint_id = ? AND status = 'pending'`, store.Millis(tx.Now), p.ID, in.Note, remedyID, id)
		if err != nil {
			return fmt.Errorf("complaints: %d: remedy %d: %w", id, remedyID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return &problem.Error{Code: problem.Conflict, Key: "complaints.remedy.done", Err: err}
		}
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor(p), "complaint.remedy_done", "complaint", l.TrackingCode,
			map[string]any{"remedy": kind, "case": caseCode, "assignee": in.Assignee}); err != nil {
			return err
		}
		return d.tell(ctx, tx, []int64{l.ApplicantAccountID}, notice{key: "complaints.notice.remedy_done",
			args: []any{l.TrackingCode}, link: complaintLink(id), refKind: "complaint", refID: l.TrackingCode})
	})
}
