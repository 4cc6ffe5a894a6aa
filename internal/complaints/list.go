package complaints

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Summary is one line of a list of disputes or complaints: no text, no deliberation.
type Summary struct {
	// Kind is "dispute" or "complaint".
	Kind         string
	ID           int64
	TrackingCode string
	Service      string
	CaseCode     string
	// Type is the complaint type or the dispute subject.
	Type    string
	State   string
	Outcome string
	Opened  time.Time
	DueAt   time.Time
	// Excluded marks a complaint the viewing member may not deliberate (C-4.5).
	Excluded bool
}

// Mine lists p's own disputes and complaints, newest first (applicants see only
// their own).
func (d *Service) Mine(ctx context.Context, p *identity.Principal) ([]Summary, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var out []Summary
	err := d.view(ctx, func(tx *store.Tx) error {
		var err error
		out, err = summaries(ctx, tx, `SELECT 'complaint', k.id, k.tracking_code, k.service, COALESCE(c.tracking_code, ''), k.type,
			k.state, k.outcome, k.filed_at, k.due_at FROM complaints k LEFT JOIN cases c ON c.id = k.case_id
			WHERE k.applicant_account_id = ? UNION ALL
			SELECT 'dispute', d.id, d.tracking_code, d.service, c.tracking_code, d.subject, d.state, '', d.opened_at, d.due_at
			FROM disputes d JOIN cases c ON c.id = d.case_id WHERE d.applicant_account_id = ?`, p.ID, p.ID)
		return err
	})
	return out, err
}

// ForCommittee lists the complaints of every service on whose committee p sits,
// marking those p is excluded from, open ones first.
func (d *Service) ForCommittee(ctx context.Context, p *identity.Principal) ([]Summary, error) {
	return d.forRole(ctx, p, identity.Committee, `SELECT 'complaint', k.id, k.tracking_code, k.service,
		COALESCE(c.tracking_code, ''), k.type, k.state, k.outcome, k.filed_at, k.due_at FROM complaints k
		LEFT JOIN cases c ON c.id = k.case_id WHERE k.service = ?`)
}

// ForUnit lists the disputes of every service p supervises: the unit's side of the
// negotiation.
func (d *Service) ForUnit(ctx context.Context, p *identity.Principal) ([]Summary, error) {
	return d.forRole(ctx, p, identity.Supervisor, `SELECT 'dispute', d.id, d.tracking_code, d.service, c.tracking_code,
		d.subject, d.state, '', d.opened_at, d.due_at FROM disputes d JOIN cases c ON c.id = d.case_id WHERE d.service = ?`)
}

func (d *Service) forRole(ctx context.Context, p *identity.Principal, role identity.Role, q string) ([]Summary, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	var out []Summary
	err := d.view(ctx, func(tx *store.Tx) error {
		for svc := range p.Grants {
			if !p.HasRole(svc, role) || svc == identity.AllServices {
				continue
			}
			list, err := summaries(ctx, tx, q, svc)
			if err != nil {
				return err
			}
			for i := range list {
				if role != identity.Committee {
					continue
				}
				l, err := loadComplaint(ctx, tx, list[i].ID)
				if err != nil {
					return err
				}
				acc, err := l.access(p)
				list[i].Excluded = err == nil && acc == AccessExcluded
			}
			out = append(out, list...)
		}
		return nil
	})
	return out, err
}

func summaries(ctx context.Context, tx *store.Tx, q string, args ...any) ([]Summary, error) {
	rows, err := tx.Query(ctx, q+" ORDER BY 9 DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("complaints: list: %w", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		var opened, due int64
		if err := rows.Scan(&s.Kind, &s.ID, &s.TrackingCode, &s.Service, &s.CaseCode, &s.Type, &s.State, &s.Outcome,
			&opened, &due); err != nil {
			return nil, fmt.Errorf("complaints: list: %w", err)
		}
		s.Opened, s.DueAt = store.FromMillis(opened), store.FromMillis(due)
		out = append(out, s)
	}
	return out, rows.Err()
}
