package complaints

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// CastVote records p's vote on a complaint, replacing p's earlier vote. Only
// committee members of the service who did not act on the case may vote (C-4.5).
func (d *Service) CastVote(ctx context.Context, p *identity.Principal, id int64, outcome, note string) error {
	return d.deliberate(ctx, p, id, "complaint.vote", func(tx *store.Tx, l *loaded) error {
		if !validOutcome(outcome) {
			return problem.Field("outcome", "complaints.outcome.invalid")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM complaint_votes WHERE complaint_id = ? AND account_id = ?", id, p.ID); err != nil {
			return fmt.Errorf("complaints: %d: vote: %w", id, err)
		}
		_, err := tx.Exec(ctx, "INSERT INTO complaint_votes (complaint_id, account_id, outcome, note, voted_at) VALUES (?, ?, ?, ?, ?)",
			id, p.ID, outcome, note, store.Millis(tx.Now))
		if err != nil {
			return fmt.Errorf("complaints: %d: vote: %w", id, err)
		}
		return nil
	})
}

// RemedyInput is one remedy a decision orders.
type RemedyInput struct {
	// Kind is reopen, reassign, redo_step or apology.
	Kind   string
	Detail string
	// State is, for reopen, the organization-held state the case returns to; empty
	// means the first one of its process.
	State string
}

// DecisionInput is the committee's decision.
type DecisionInput struct {
	// Outcome, when given, must be the one the votes carry; empty takes it from them.
	Outcome  string
	Reasons  string
	Remedies []RemedyInput
}

// Decide records the committee's decision and announces it at once to the applicant
// (in-app, e-mail and on the case) with its reasons, and to the staff involved (the
// outcome only). It needs at least the catalog's quorum of votes from members who are
// not excluded, and a clear majority among them; once announced a decision never
// changes (corrections are new entries).
func (d *Service) Decide(ctx context.Context, p *identity.Principal, id int64, in DecisionInput) (*Complaint, error) {
	var out *Complaint
	err := d.change(ctx, p, "complaint.decide", "complaint", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := l.mayDeliberate(p); err != nil {
			return err
		}
		if l.State == StateAnnounced {
			return problem.New(problem.Conflict, "complaints.decision.final")
		}
		if l.State == StateInformation {
			return problem.New(problem.Conflict, "complaints.info.pending")
		}
		outcome, err := majority(ctx, tx, l)
		if err != nil {
			return err
		}
		if in.Outcome != "" && in.Outcome != outcome {
			return problem.Field("outcome", "complaints.decision.not_majority", in.Outcome, outcome)
		}
		reasons, err := checkText("reasons", in.Reasons)
		if err != nil {
			return err
		}
		for _, r := range in.Remedies {
			if !validRemedy(r.Kind) {
				return problem.Field("remedies", "complaints.remedy.kind", r.Kind)
			}
			if r.State != "" && r.Kind != RemedyReopen {
				return problem.Field("remedies", "complaints.remedy.state_reopen_only", r.Kind)
			}
		}
		if outcome == OutcomeRejected && len(in.Remedies) > 0 {
			return problem.Field("remedies", "complaints.remedy.rejected")
		}
		res, err := tx.Exec(ctx, `UPDATE complaints SET state = ?, holder = ?, outcome = ?, reasons = ?, decided_at = ?,
			decided_by = ?, version = version + 1 WHERE id = ? AND version = ? AND state <> ?`,
			StateAnnounced, string(sla.HolderNone), outcome, reasons, store.Millis(tx.Now), p.ID, id, l.Version, StateAnnounced)
		if err != nil {
			return fmt.Errorf("complaints: %s: decide: %w", l.TrackingCode, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return &problem.Error{Code: problem.Conflict, Key: "complaints.decision.final", Err: err}
		}
		if err := addEvent(ctx, tx, id, sla.HolderNone, ""); err != nil {
			return err
		}
		var kinds []string
		for _, r := range in.Remedies {
			kinds = append(kinds, r.Kind)
			rid, err := tx.InsertID(ctx, "INSERT INTO complaint_remedies (complaint_id, kind, detail) VALUES (?, ?, ?)",
				id, r.Kind, r.Detail)
			if err != nil {
				return fmt.Errorf("complaints: %s: remedy: %w", l.TrackingCode, err)
			}
			if r.Kind != RemedyReopen {
				continue
			}
			if done, err := d.reopenOnDecision(ctx, tx, p, l, r.State); err != nil {
				return err
			} else if done {
				if err := markRemedyDone(ctx, tx, id, rid, p.ID, ""); err != nil {
					return err
				}
			}
		}
		l.State, l.Outcome, l.Reasons, l.DecidedAt = StateAnnounced, outcome, reasons, tx.Now
		if err := audit.Record(ctx, tx, actor(p), "complaint.decided", "complaint", l.TrackingCode,
			map[string]any{"outcome": outcome, "remedies": kinds}); err != nil {
			return err
		}
		out = l.Complaint
		return d.announce(ctx, tx, p, l, len(kinds) > 0)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// majority counts the votes of members who may vote and returns the outcome most of
// them chose: Conflict without the quorum or with a tie at the top.
func majority(ctx context.Context, tx *store.Tx, l *loaded) (string, error) {
	vs, err := votes(ctx, tx, l.ID)
	if err != nil {
		return "", err
	}
	members, err := holders(ctx, tx, l.Service, string(identity.Committee))
	if err != nil {
		return "", err
	}
	tally := map[string]int{}
	n := 0
	for _, v := range vs {
		if slices.Contains(members, v.AccountID) && !slices.Contains(l.res.Excluded, v.AccountID) {
			tally[v.Outcome]++
			n++
		}
	}
	if n < l.Quorum {
		return "", problem.New(problem.Conflict, "complaints.quorum", n, l.Quorum)
	}
	best, top, tie := "", 0, false
	for _, o := range []string{OutcomeUpheld, OutcomePartlyUpheld, OutcomeRejected} {
		switch c := tally[o]; {
		case c > top:
			best, top, tie = o, c, false
		case c == top && c > 0:
			tie = true
		}
	}
	if tie {
		return "", problem.New(problem.Conflict, "complaints.decision.tie")
	}
	return best, nil
}

// announce tells the applicant (in-app and e-mail, with the reasons), writes the
// decision on the case for the applicant to read there, and tells the staff involved
// and the supervisors (who carry out remedies) the outcome only.
func (d *Service) announce(ctx context.Context, tx *store.Tx, p *identity.Principal, l *loaded, remedies bool) error {
	outFa, outEn := i18n.T(i18n.Fa, "complaints.outcome."+l.Outcome), i18n.T(i18n.En, "complaints.outcome."+l.Outcome)
	if err := d.tell(ctx, tx, []int64{l.ApplicantAccountID}, notice{key: "complaints.notice.announced",
		args: []any{l.TrackingCode}, extra: outFa + " / " + outEn + "\n\n" + l.Reasons, link: complaintLink(l.ID),
		refKind: "complaint", refID: l.TrackingCode, email: true}); err != nil {
		return err
	}
	if err := d.onCase(ctx, tx, p, l, "complaints.case.decided", outFa, outEn, l.Reasons); err != nil {
		return err
	}
	staff := slices.Clone(l.res.Excluded)
	if remedies {
		sups, err := holders(ctx, tx, l.Service, string(identity.Supervisor))
		if err != nil {
			return err
		}
		staff = append(staff, sups...)
	}
	staff = slices.DeleteFunc(staff, func(id int64) bool { return id == l.ApplicantAccountID })
	return d.tell(ctx, tx, staff, notice{key: "complaints.notice.outcome", args: []any{l.TrackingCode},
		extra: outFa + " / " + outEn, link: complaintLink(l.ID), refKind: "complaint", refID: l.TrackingCode, email: remedies})
}

// onCase writes a message on the underlying case, if any, so that the applicant finds
// the result where the case is (the case's message thread, not an internal note).
func (d *Service) onCase(ctx context.Context, tx *store.Tx, p *identity.Principal, l *loaded, key, fa, en, text string) error {
	if l.CaseCode == "" {
		return nil
	}
	body := i18n.T(i18n.Fa, key, l.TrackingCode, fa) + "\n" + text + "\n\n" + i18n.T(i18n.En, key, l.TrackingCode, en)
	var caseID int64
	if err := tx.QueryRow(ctx, "SELECT case_id FROM complaints WHERE id = ?", l.ID).Scan(&caseID); err != nil {
		return fmt.Errorf("complaints: %s: case: %w", l.TrackingCode, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO case_messages (case_id, author_account_id, by_staff, body, internal, created_at)
		VALUES (?, ?, TRUE, ?, FALSE, ?)`, caseID, p.ID, body, store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("complaints: %s: write on the case: %w", l.TrackingCode, err)
	}
	return nil
}

// Correct adds a correction to an announced decision: the decision itself never
// changes; the correction is a new entry, announced like the decision.
func (d *Service) Correct(ctx context.Context, p *identity.Principal, id int64, body string) error {
	return d.change(ctx, p, "complaint.correct", "complaint", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := l.mayDeliberate(p); err != nil {
			return err
		}
		if l.State != StateAnnounced {
			return problem.New(problem.Conflict, "complaints.not_announced")
		}
		if body, err = checkText("body", body); err != nil {
			return err
		}
		if err := addEntry(ctx, tx, id, EntryCorrection, "", p.ID, body); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, actor(p), "complaint.corrected", "complaint", l.TrackingCode, nil); err != nil {
			return err
		}
		if err := d.onCase(ctx, tx, p, l, "complaints.case.corrected", "", "", body); err != nil {
			return err
		}
		return d.tell(ctx, tx, []int64{l.ApplicantAccountID}, notice{key: "complaints.notice.corrected", args: []any{l.TrackingCode},
			extra: body, link: complaintLink(id), refKind: "complaint", refID: l.TrackingCode, email: true})
	})
}

// Acknowledge records that the applicant has read the announced decision; doing it
// again changes nothing.
func (d *Service) Acknowledge(ctx context.Context, p *identity.Principal, id int64) error {
	return d.change(ctx, p, "complaint.acknowledge", "complaint", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := l.access(p); err != nil {
			return err
		}
		if !authz.Decide(p, authz.Update, l.res) {
			return problem.New(problem.Forbidden, "complaints.forbidden")
		}
		if l.State != StateAnnounced {
			return problem.New(problem.Conflict, "complaints.not_announced")
		}
		if !l.AcknowledgedAt.IsZero() {
			return nil
		}
		if _, err := tx.Exec(ctx, "UPDATE complaints SET acknowledged_at = ? WHERE id = ?", store.Millis(tx.Now), id); err != nil {
			return fmt.Errorf("complaints: %s: acknowledge: %w", l.TrackingCode, err)
		}
		return audit.Record(ctx, tx, actor(p), "complaint.acknowledged", "complaint", l.TrackingCode, nil)
	})
}
