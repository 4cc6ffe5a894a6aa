package complaints

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
)

// Access is how much of a complaint a person sees (C-4.5, D-1).
type Access string

// The levels of access: the applicant sees their complaint, the requests addressed to
// them and the decision; committee members see the deliberation; an excluded member
// and the service's staff see only that it exists, its state and its outcome.
const (
	AccessApplicant Access = "applicant"
	AccessCommittee Access = "committee"
	AccessExcluded  Access = "excluded"
	AccessStaff     Access = "staff"
)

// View is a complaint as one person may see it.
type View struct {
	Complaint
	Access Access
	// Excluded is true when the viewer is a committee member who acted on the case.
	Excluded bool
	// Clock is the complaint's SLA clock (SLA-CLOCK rule 10).
	Clock sla.Status
	// Entries, Votes and Remedies are filled as far as Access allows.
	Entries  []Entry
	Votes    []Vote
	Remedies []Remedy
	// Members is how many committee members may vote (not excluded).
	Members int
}

const complaintColumns = `k.id, k.tracking_code, k.service, COALESCE(c.tracking_code, ''), COALESCE(k.dispute_id, 0),
	k.applicant_account_id, COALESCE(k.applicant_person_id, 0), COALESCE(k.applicant_org_id, 0), k.type, k.body, k.state,
	k.holder, k.quorum, k.filed_at, k.due_at, k.decided_at, k.outcome, k.reasons, k.acknowledged_at, k.version,
	COALESCE(k.case_id, 0)`

// scanComplaint reads one row of complaintColumns.
func scanComplaint(row interface{ Scan(...any) error }) (*Complaint, int64, error) {
	var k Complaint
	var filed, due, decided, ack, caseID int64
	err := row.Scan(&k.ID, &k.TrackingCode, &k.Service, &k.CaseCode, &k.DisputeID, &k.ApplicantAccountID,
		&k.ApplicantPersonID, &k.ApplicantOrgID, &k.Type, &k.Body, &k.State, &k.Holder, &k.Quorum,
		&filed, &due, &decided, &k.Outcome, &k.Reasons, &ack, &k.Version, &caseID)
	if err != nil {
		return nil, 0, err
	}
	k.FiledAt, k.DueAt, k.DecidedAt, k.AcknowledgedAt = store.FromMillis(filed), store.FromMillis(due),
		store.FromMillis(decided), store.FromMillis(ack)
	return &k, caseID, nil
}

// loaded is a complaint with the facts the policy needs about it.
type loaded struct {
	*Complaint
	res authz.Resource
}

// loadComplaint reads a complaint and works out who is excluded from deliberating it.
func loadComplaint(ctx context.Context, tx *store.Tx, id int64) (*loaded, error) {
	k, caseID, err := scanComplaint(tx.QueryRow(ctx, "SELECT "+complaintColumns+
		" FROM complaints k LEFT JOIN cases c ON c.id = k.case_id WHERE k.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &problem.Error{Code: problem.NotFound, Key: "complaints.not_found", Err: store.ErrNotFound}
	}
	if err != nil {
		return nil, fmt.Errorf("complaints: load %d: %w", id, err)
	}
	l := &loaded{Complaint: k, res: authz.Resource{Kind: authz.Complaint, Service: k.Service,
		OwnerPersonID: k.ApplicantPersonID, OwnerOrgID: k.ApplicantOrgID, OwnerAccountID: k.ApplicantAccountID}}
	if caseID != 0 {
		c, err := cases.LookupRefByID(ctx, tx, caseID)
		if err != nil {
			return nil, err
		}
		if l.res.Excluded, err = involved(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// deliberation is the resource the committee's work is checked against.
func (l *loaded) deliberation() authz.Resource {
	r := l.res
	r.Kind = authz.ComplaintDeliberation
	return r
}

// access decides how much of the complaint p sees; NotFound for anyone who may not
// know it exists.
func (l *loaded) access(p *identity.Principal) (Access, error) {
	switch {
	case p == nil:
		return "", problem.New(problem.Unauthorized, "error.unauthorized")
	case authz.Decide(p, authz.View, l.deliberation()):
		return AccessCommittee, nil
	case authz.Excluded(p, l.deliberation()):
		return AccessExcluded, nil
	case !authz.Decide(p, authz.View, l.res):
		return "", problem.New(problem.NotFound, "complaints.not_found")
	case p.IsStaff():
		return AccessStaff, nil
	}
	return AccessApplicant, nil
}

// mayDeliberate checks that p may take part in the committee's work on l: a member
// who acted on the case is told they are excluded (403), a non-member that they are
// not on the committee (403), and someone who may not see the complaint gets 404.
func (l *loaded) mayDeliberate(p *identity.Principal) error {
	if authz.Decide(p, authz.Act, l.deliberation()) {
		return nil
	}
	if authz.Excluded(p, l.deliberation()) {
		return problem.New(problem.Forbidden, "complaints.excluded")
	}
	if p != nil && authz.Decide(p, authz.View, l.res) {
		return problem.New(problem.Forbidden, "complaints.not_member")
	}
	if p == nil {
		return problem.New(problem.Unauthorized, "error.unauthorized")
	}
	return problem.New(problem.NotFound, "complaints.not_found")
}

// Get returns a complaint as p may see it.
func (d *Service) Get(ctx context.Context, p *identity.Principal, id int64) (*View, error) {
	var v *View
	err := d.view(ctx, func(tx *store.Tx) error {
		l, err := loadComplaint(ctx, tx, id)
		if err != nil {
			return err
		}
		acc, err := l.access(p)
		if err != nil {
			return err
		}
		v = &View{Complaint: *l.Complaint, Access: acc, Excluded: acc == AccessExcluded}
		if v.Clock, err = d.clock(ctx, tx, l.Complaint, tx.Now); err != nil {
			return err
		}
		if acc != AccessCommittee && acc != AccessApplicant {
			v.Body = "" // staff involved and excluded members: that it exists and its outcome only
		}
		if v.Entries, err = entries(ctx, tx, id, acc); err != nil {
			return err
		}
		if acc == AccessCommittee {
			if v.Votes, err = votes(ctx, tx, id); err != nil {
				return err
			}
			if v.Members, err = eligible(ctx, tx, l); err != nil {
				return err
			}
		}
		v.Remedies, err = remedies(ctx, tx, id)
		return err
	})
	return v, err
}

// clock rebuilds the complaint's clock from its holder history (SLA-CLOCK rules 6, 10).
func (d *Service) clock(ctx context.Context, tx *store.Tx, k *Complaint, now time.Time) (sla.Status, error) {
	svc, err := d.Catalog(ctx, k.Service, 0)
	if err != nil {
		return sla.Status{}, err
	}
	rows, err := tx.Query(ctx, "SELECT at, holder, reason FROM complaint_events WHERE complaint_id = ? ORDER BY id", k.ID)
	if err != nil {
		return sla.Status{}, fmt.Errorf("complaints: %s: clock: %w", k.TrackingCode, err)
	}
	defer rows.Close()
	var evs []sla.Event
	for rows.Next() {
		var at int64
		var ev sla.Event
		if err := rows.Scan(&at, &ev.Holder, &ev.Reason); err != nil {
			return sla.Status{}, err
		}
		ev.At = store.FromMillis(at)
		evs = append(evs, ev)
	}
	if err := rows.Err(); err != nil {
		return sla.Status{}, err
	}
	dt := svc.Complaints.DecisionTime
	return sla.Compute(evs, budget(dt.Amount, dt.Unit), d.calendar(), sla.Resume, now), nil
}
