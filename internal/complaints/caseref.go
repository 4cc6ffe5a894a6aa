package complaints

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/store"
)

// involved lists every staff account that acted on the case (SLA C-4.5): whoever took
// one of its staff transitions (expert, supervisor, signer, …), wrote to the applicant
// or a note on it, changed it in any other way the audit log records, is or was its
// assignee, or answered for the unit in a negotiation about it; announcing a
// committee's decision on the case is not acting on it. The applicant's own
// account may be in the list; it is never on a committee. They are excluded from the
// committee's deliberation on a complaint about it. The list is computed afresh each
// time, so an action taken after filing counts; a committee member reopening the case
// to carry out the committee's decision (role committee) is not acting on it.
func involved(ctx context.Context, tx *store.Tx, c *cases.Ref) ([]int64, error) {
	var out []int64
	if c.AssigneeAccountID != 0 {
		out = append(out, c.AssigneeAccountID)
	}
	queries := []string{
		`SELECT DISTINCT actor_account_id FROM case_events WHERE case_id = ? AND actor_role <> 'applicant' AND actor_role <> '' AND actor_role <> 'committee'`,
		// The announcement of a complaint's decision or correction on the case is the
		// committee's work, not acting on the case (issue 13): a message written once
		// a complaint about the case was decided, by a member who voted on it or
		// recorded it, does not count.
		`SELECT DISTINCT m.author_account_id FROM case_messages m WHERE m.case_id = ? AND m.by_staff = TRUE
			AND NOT EXISTS (SELECT 1 FROM complaints k WHERE k.case_id = m.case_id AND k.decided_at > 0
				AND m.created_at >= k.decided_at AND (k.decided_by = m.author_account_id
				OR EXISTS (SELECT 1 FROM complaint_votes v WHERE v.complaint_id = k.id AND v.account_id = m.author_account_id)))`,
		`SELECT DISTINCT m.author_account_id FROM dispute_messages m JOIN disputes d ON d.id = m.dispute_id
			WHERE d.case_id = ? AND m.by_staff = TRUE`,
	}
	for _, q := range queries {
		rows, err := tx.Query(ctx, q, c.ID)
		if err != nil {
			return nil, fmt.Errorf("complaints: %s: who acted: %w", c.Code, err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("complaints: %s: who acted: %w", c.Code, err)
			}
			out = append(out, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// Everyone who changed the case, and its earlier assignees, are in its audit log.
	rows, err := tx.Query(ctx, `SELECT actor, action, summary FROM audit_log WHERE object_kind = 'case' AND object_id = ?`, c.Code)
	if err != nil {
		return nil, fmt.Errorf("complaints: %s: assignees: %w", c.Code, err)
	}
	defer rows.Close()
	for rows.Next() {
		var who, action, s string
		if err := rows.Scan(&who, &action, &s); err != nil {
			return nil, fmt.Errorf("complaints: %s: assignees: %w", c.Code, err)
		}
		var a struct {
			Assignee, Previous int64
			Role               string
		}
		_ = json.Unmarshal([]byte(s), &a)
		if action == "case.reopened" && a.Role == "committee" {
			continue // the committee carrying out its own decision does not act on the case
		}
		if id, err := strconv.ParseInt(strings.TrimPrefix(who, "account:"), 10, 64); err == nil && strings.HasPrefix(who, "account:") {
			out = append(out, id)
		}
		if action == "case.assigned" {
			out = append(out, a.Assignee, a.Previous)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out = slices.DeleteFunc(out, func(id int64) bool { return id == 0 })
	slices.Sort(out)
	return slices.Compact(out), nil
}
