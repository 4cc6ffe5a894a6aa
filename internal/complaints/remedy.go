package complaints

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
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
	// State is the organization-held state a reopen remedy returns the case to;
	// empty means the first one of its process.
	State string
	Note  string
}

// CompleteRemedy carries out one remedy of an announced decision and marks it done.
// A supervisor of the service does it: reassign goes through the case engine's
// Assign; reopen goes through the engine on the committee's authority, in the same
// transaction as the remedy's record (OrderedReopener), or through its Reopen
// (Reopener), and is otherwise done through the case's own steps and reported here;
// redo_step and apology are tracked. The applicant is told.
func (d *Service) CompleteRemedy(ctx context.Context, p *identity.Principal, id, remedyID int64, in RemedyDone) error {
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
	ordered, _ := d.Cases.(OrderedReopener)
	if err == nil && caseCode != "" && d.Cases != nil {
		switch kind {
		case RemedyReassign:
			if in.Assignee == 0 {
				err = problem.Field("assignee", "error.required")
			} else {
				err = d.Cases.Assign(ctx, p, caseCode, in.Assignee)
			}
		case RemedyReopen:
			if r, ok := d.Cases.(Reopener); ok && ordered == nil {
				err = r.Reopen(ctx, p, caseCode, in.Note)
			}
		}
	}
	if err != nil {
		return d.refused(ctx, p, "complaint.remedy", "complaint", object, err)
	}
	return d.change(ctx, p, "complaint.remedy", "complaint", object, func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		if kind == RemedyReopen && caseCode != "" && ordered != nil {
			if err := d.reopenCase(ctx, tx, ordered, p, l, in.State, in.Note); err != nil {
				return err
			}
		}
		if err := markRemedyDone(ctx, tx, id, remedyID, p.ID, in.Note); err != nil {
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

// markRemedyDone records a pending remedy as carried out; a remedy already done is a
// Conflict.
func markRemedyDone(ctx context.Context, tx *store.Tx, id, remedyID, by int64, note string) error {
	res, err := tx.Exec(ctx, `UPDATE complaint_remedies SET status = 'done', done_at = ?, done_by = ?, note = ?
		WHERE id = ? AND complaint_id = ? AND status = 'pending'`, store.Millis(tx.Now), by, note, remedyID, id)
	if err != nil {
		return fmt.Errorf("complaints: %d: remedy %d: %w", id, remedyID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &problem.Error{Code: problem.Conflict, Key: "complaints.remedy.done", Err: err}
	}
	return nil
}

// reopenCase reopens the complaint's case on the committee's authority, in tx. The
// reason shown on the case names the complaint; a note, when given, follows it.
func (d *Service) reopenCase(ctx context.Context, tx *store.Tx, r OrderedReopener, p *identity.Principal, l *loaded, state, note string) error {
	reason := i18n.T(i18n.Fa, "complaints.remedy.reopen") + " — " + l.TrackingCode + " / " +
		i18n.T(i18n.En, "complaints.remedy.reopen") + " — " + l.TrackingCode
	if note = strings.TrimSpace(note); note != "" {
		reason += "\n" + note
	}
	return r.ReopenOrdered(ctx, tx, p, l.CaseCode, cases.ReopenInput{Reason: reason, State: state,
		Authority: "complaint:" + l.TrackingCode})
}

// reopenOnDecision carries out a reopen remedy together with the decision that orders
// it when the case is closed now and the engine can (OrderedReopener): Miz does it,
// and the remedy is recorded done by the member who recorded the decision. Otherwise
// the remedy waits for a supervisor (CompleteRemedy). It reports whether it was done.
func (d *Service) reopenOnDecision(ctx context.Context, tx *store.Tx, p *identity.Principal, l *loaded, state string) (bool, error) {
	r, ok := d.Cases.(OrderedReopener)
	if !ok || l.CaseCode == "" {
		return false, nil
	}
	var holder string
	if err := tx.QueryRow(ctx, "SELECT holder FROM cases WHERE tracking_code = ?", l.CaseCode).Scan(&holder); err != nil {
		return false, fmt.Errorf("complaints: %s: case %s: %w", l.TrackingCode, l.CaseCode, err)
	}
	if holder != string(sla.HolderNone) {
		return false, nil
	}
	return true, d.reopenCase(ctx, tx, r, p, l, state, "")
}
