package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// QueueFilter selects the cases of one service's staff queue.
type QueueFilter struct {
	Service string
	// State keeps one state; empty means every open state.
	State string
	// Holder keeps cases held by organization or applicant; empty means organization.
	Holder string
	// Assignee keeps one staff member's cases; Unassigned keeps cases with nobody.
	Assignee   int64
	Unassigned bool
	// Search keeps the cases whose tracking code, applicant or subject contains it
	// (Persian folded, persian.SearchKey); empty keeps all.
	Search string
	// Limit (default 50, at most 500) and Offset page through the list.
	Limit, Offset int
}

// QueueItem is one row of a staff queue: no form content (D-1 stays in the case).
type QueueItem struct {
	Case
	// Step is the target of the current state when it has a budget of its own
	// (issue 14), for the queue to colour by urgency; nil otherwise.
	Step *StepTarget
	// AssigneeName is the assignee's display name (the queue never shows account IDs).
	AssigneeName string
	// Applicant is the organisation or person applying; Subject is what the case is
	// about (the product under review, a subject), from the form (issue 13).
	Applicant, Subject catalog.Text
	// DueIn is the time left until the case's deadline while the organisation holds
	// it (negative once past); Urgency grades it: ok, warning or breached; empty
	// when the clock is not running for the organisation.
	DueIn   time.Duration
	Urgency string
}

// Queue lists a service's open submitted cases for its staff: first the cases with a
// question waiting for the Organization, nearest question deadline first (SLA C-4.7;
// internal/desk keeps cases.question_due_at), then the nearest case deadline first
// (cases without a deadline last), so that none is forgotten (SLA C-4.1).
func (e *Engine) Queue(ctx context.Context, p *identity.Principal, f QueueFilter) ([]QueueItem, error) {
	if !authz.Decide(p, authz.View, authz.Resource{Kind: authz.Queue, Service: f.Service}) {
		if p == nil {
			return nil, problem.New(problem.Unauthorized, "error.unauthorized")
		}
		return nil, problem.New(problem.Forbidden, "cases.forbidden")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Holder == "" {
		f.Holder = "organization"
	}
	where := []string{"service = ?", "holder = ?", "submitted_at > 0"}
	args := []any{f.Service, f.Holder}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	if f.Assignee != 0 {
		where, args = append(where, "assignee_account_id = ?"), append(args, f.Assignee)
	}
	if f.Unassigned {
		where = append(where, "assignee_account_id IS NULL")
	}
	q := "SELECT " + caseColumns + " FROM cases WHERE " + strings.Join(where, " AND ") +
		" ORDER BY CASE WHEN question_due_at = 0 THEN 1 ELSE 0 END, question_due_at," +
		" CASE WHEN due_at = 0 THEN 1 ELSE 0 END, due_at, id LIMIT ? OFFSET ?"
	search := strings.TrimSpace(f.Search) != ""
	if search {
		args = append(args, searchScan, 0)
	} else {
		args = append(args, f.Limit, max(f.Offset, 0))
	}
	var out []QueueItem
	err := e.view(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = listCases(ctx, tx, q, args...); err != nil {
			return err
		}
		if err := applicantNames(ctx, tx, out); err != nil {
			return err
		}
		if search {
			out = matchSearch(out, f.Search, f.Limit, f.Offset)
		}
		if err := assigneeNames(ctx, tx, out); err != nil {
			return err
		}
		dueIn(out, tx.Now)
		return e.stepTargetsOf(ctx, tx, out)
	})
	return out, err
}

// assigneeNames fills the display name of each item's assignee.
func assigneeNames(ctx context.Context, tx *store.Tx, items []QueueItem) error {
	names := map[int64]string{}
	for i := range items {
		id := items[i].AssigneeAccountID
		if id == 0 {
			continue
		}
		if _, ok := names[id]; !ok {
			var n string
			if err := tx.QueryRow(ctx, "SELECT display_name FROM accounts WHERE id = ?", id).Scan(&n); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("cases: queue: assignee %d: %w", id, err)
			}
			names[id] = n
		}
		items[i].AssigneeName = names[id]
	}
	return nil
}

// MyCases lists the cases p applies for (as a person, or for the organisation p
// acts for), newest first.
func (e *Engine) MyCases(ctx context.Context, p *identity.Principal, limit, offset int) ([]QueueItem, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return e.myCases(ctx, p, limit, offset)
}

// myCases reads p's cases newest first, with applicant, subject and time left.
func (e *Engine) myCases(ctx context.Context, p *identity.Principal, limit, offset int) ([]QueueItem, error) {
	q := "SELECT " + caseColumns + " FROM cases WHERE applicant_person_id = ? AND applicant_org_id IS NULL"
	arg := p.PersonID
	if org := p.ApplicantOrgID(); org != 0 {
		q, arg = "SELECT "+caseColumns+" FROM cases WHERE applicant_org_id = ?", org
	}
	var out []QueueItem
	err := e.view(ctx, func(tx *store.Tx) error {
		var err error
		if out, err = listCases(ctx, tx, q+" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", arg, limit, max(offset, 0)); err != nil {
			return err
		}
		dueIn(out, tx.Now)
		return applicantNames(ctx, tx, out)
	})
	return out, err
}

func listCases(ctx context.Context, tx *store.Tx, q string, args ...any) ([]QueueItem, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cases: list: %w", err)
	}
	defer rows.Close()
	var out []QueueItem
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("cases: list: %w", err)
		}
		subject := subjectOf(c.Form)
		c.Form = nil
		out = append(out, QueueItem{Case: *c, Subject: subject})
	}
	return out, rows.Err()
}
