package complaints

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// entries lists the entries of a complaint that acc may read: the committee reads
// all; the applicant reads what is addressed to or comes from the applicant; staff
// read what is addressed to or comes from the unit; everyone reads corrections.
func entries(ctx context.Context, tx *store.Tx, id int64, acc Access) ([]Entry, error) {
	rows, err := tx.Query(ctx, `SELECT id, kind, party, author_account_id, body, answered, created_at
		FROM complaint_entries WHERE complaint_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("complaints: %d: entries: %w", id, err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Party, &e.AuthorID, &e.Body, &e.Answered, &at); err != nil {
			return nil, err
		}
		e.At = store.FromMillis(at)
		party := map[Access]string{AccessApplicant: PartyApplicant, AccessStaff: PartyStaff, AccessExcluded: PartyStaff}[acc]
		if acc == AccessCommittee || e.Kind == EntryCorrection || (e.Kind != EntryFinding && e.Party == party) {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}

func votes(ctx context.Context, tx *store.Tx, id int64) ([]Vote, error) {
	rows, err := tx.Query(ctx, `SELECT v.account_id, COALESCE(a.display_name, ''), v.outcome, v.note, v.voted_at
		FROM complaint_votes v LEFT JOIN accounts a ON a.id = v.account_id
		WHERE v.complaint_id = ? ORDER BY v.voted_at, v.account_id`, id)
	if err != nil {
		return nil, fmt.Errorf("complaints: %d: votes: %w", id, err)
	}
	defer rows.Close()
	var out []Vote
	for rows.Next() {
		var v Vote
		var at int64
		if err := rows.Scan(&v.AccountID, &v.VoterName, &v.Outcome, &v.Note, &at); err != nil {
			return nil, err
		}
		v.At = store.FromMillis(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// eligible counts the committee members who may vote on l.
func eligible(ctx context.Context, tx *store.Tx, l *loaded) (int, error) {
	members, err := holders(ctx, tx, l.Service, string(identity.Committee))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range members {
		if !slices.Contains(l.res.Excluded, m) {
			n++
		}
	}
	return n, nil
}

// AddFinding records a committee member's finding; findings are part of the
// deliberation and never shown outside the committee.
func (d *Service) AddFinding(ctx context.Context, p *identity.Principal, id int64, body string) error {
	return d.deliberate(ctx, p, id, "complaint.finding", func(tx *store.Tx, l *loaded) error {
		body, err := checkText("body", body)
		if err != nil {
			return err
		}
		return addEntry(ctx, tx, id, EntryFinding, "", p.ID, body)
	})
}

// RequestInformation asks the applicant or the unit for information. While a request
// is with the applicant the complaint's clock pauses (SLA-CLOCK rules 1, 10); a request
// to the unit does not stop it.
func (d *Service) RequestInformation(ctx context.Context, p *identity.Principal, id int64, party, body string) error {
	return d.deliberate(ctx, p, id, "complaint.info_requested", func(tx *store.Tx, l *loaded) error {
		if party != PartyApplicant && party != PartyStaff {
			return problem.Field("party", "complaints.party")
		}
		body, err := checkText("body", body)
		if err != nil {
			return err
		}
		if err := addEntry(ctx, tx, id, EntryInfoRequest, party, p.ID, body); err != nil {
			return err
		}
		to := []int64{l.ApplicantAccountID}
		if party == PartyApplicant {
			if err := l.move(ctx, tx, StateInformation, sla.HolderApplicant, "information"); err != nil {
				return err
			}
		} else if to, err = holders(ctx, tx, l.Service, string(identity.Supervisor)); err != nil {
			return err
		}
		return d.tell(ctx, tx, to, notice{key: "complaints.notice.info_requested", args: []any{l.TrackingCode},
			link: complaintLink(id), refKind: "complaint", refID: l.TrackingCode, email: true})
	})
}

// AnswerInformation answers the open requests addressed to p's side: the applicant
// (the clock resumes and its deadline is scheduled again) or a supervisor of the service for the unit.
func (d *Service) AnswerInformation(ctx context.Context, p *identity.Principal, id int64, body string) error {
	return d.change(ctx, p, "complaint.info_answer", "complaint", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := l.access(p); err != nil {
			return err
		}
		party := PartyApplicant
		switch {
		case authz.Decide(p, authz.Update, l.res):
		case authz.Decide(p, authz.Act, l.res):
			party = PartyStaff
		default:
			return problem.New(problem.Forbidden, "complaints.forbidden")
		}
		if body, err = checkText("body", body); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE complaint_entries SET answered = TRUE WHERE complaint_id = ? AND kind = ?
			AND party = ? AND answered = FALSE`, id, EntryInfoRequest, party)
		if err != nil {
			return fmt.Errorf("complaints: %d: answer: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.Conflict, "complaints.info.none")
		}
		if err := addEntry(ctx, tx, id, EntryInfoAnswer, party, p.ID, body); err != nil {
			return err
		}
		if party == PartyApplicant && l.State == StateInformation {
			if err := l.move(ctx, tx, StateReview, sla.HolderOrganization, ""); err != nil {
				return err
			}
			if err := d.scheduleComplaint(ctx, tx, l.Complaint); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, actor(p), "complaint.info_answered", "complaint", l.TrackingCode,
			map[string]any{"party": party}); err != nil {
			return err
		}
		members, err := holders(ctx, tx, l.Service, string(identity.Committee))
		if err != nil {
			return err
		}
		return d.tell(ctx, tx, members, notice{key: "complaints.notice.info_answered", args: []any{l.TrackingCode},
			link: complaintLink(id), refKind: "complaint", refID: l.TrackingCode})
	})
}

// deliberate runs a committee action: p must be a member who is not excluded, and the
// decision must not have been announced. The action is audited without its text.
func (d *Service) deliberate(ctx context.Context, p *identity.Principal, id int64, action string, fn func(tx *store.Tx, l *loaded) error) error {
	return d.change(ctx, p, action, "complaint", strconv.FormatInt(id, 10), func(tx *store.Tx) error {
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
		if err := fn(tx, l); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p), action, "complaint", l.TrackingCode, nil)
	})
}

func addEntry(ctx context.Context, tx *store.Tx, id int64, kind, party string, author int64, body string) error {
	_, err := tx.Exec(ctx, `INSERT INTO complaint_entries (complaint_id, kind, party, author_account_id, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, id, kind, party, author, body, store.Millis(tx.Now))
	if err != nil {
		return fmt.Errorf("complaints: %d: %s: %w", id, kind, err)
	}
	return nil
}

// move changes the complaint's state and holder under its version and records the
// holder change for the clock.
func (l *loaded) move(ctx context.Context, tx *store.Tx, state string, h sla.Holder, reason string) error {
	res, err := tx.Exec(ctx, "UPDATE complaints SET state = ?, holder = ?, version = version + 1 WHERE id = ? AND version = ?",
		state, string(h), l.ID, l.Version)
	if err != nil {
		return fmt.Errorf("complaints: %s: move: %w", l.TrackingCode, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &problem.Error{Code: problem.Conflict, Key: "complaints.stale", Err: err}
	}
	l.State, l.Holder, l.Version = state, string(h), l.Version+1
	return addEvent(ctx, tx, l.ID, h, reason)
}
