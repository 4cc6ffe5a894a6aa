package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// searchScan bounds how many rows a search reads before matching them in Go with
// the one Persian folding (persian.SearchKey); a service's open queue and one
// applicant's cases stay far below it.
const searchScan = 2000

// subjectKeys are the form fields, in order of preference, that name what a case is
// about: CERTIFY's product, or a generic subject or title. The subject is shown to
// the service's staff in the queue and to the applicant in their list (issue 13);
// the rest of the form stays in the case (SLA D-1).
var subjectKeys = [][2]string{{"product_name_fa", "product_name_en"}, {"product", "product_en"}, {"subject", "subject_en"}, {"title", "title_en"}}

// subjectOf reads a case's subject from its form; empty when it has none.
func subjectOf(form json.RawMessage) catalog.Text {
	if len(form) == 0 {
		return catalog.Text{}
	}
	var m map[string]any
	if json.Unmarshal(form, &m) != nil {
		return catalog.Text{}
	}
	str := func(k string) string { s, _ := m[k].(string); return strings.TrimSpace(s) }
	for _, k := range subjectKeys {
		fa, en := str(k[0]), str(k[1])
		if fa == "" && en == "" {
			continue
		}
		if fa == "" {
			fa = en
		}
		if en == "" {
			en = fa
		}
		return catalog.Text{FA: fa, EN: en}
	}
	return catalog.Text{}
}

// applicantNames fills each item's applicant: the organisation it applies for, or
// the person; one query per table for the whole list.
func applicantNames(ctx context.Context, tx *store.Tx, items []QueueItem) error {
	orgs, people := map[int64]catalog.Text{}, map[int64]catalog.Text{}
	for i := range items {
		c := &items[i].Case
		if c.ApplicantOrgID != 0 {
			orgs[c.ApplicantOrgID] = catalog.Text{}
		} else if c.ApplicantPersonID != 0 {
			people[c.ApplicantPersonID] = catalog.Text{}
		}
	}
	for table, names := range map[string]map[int64]catalog.Text{"organizations": orgs, "people": people} {
		if len(names) == 0 {
			continue
		}
		var ids []any
		for id := range names {
			ids = append(ids, id)
		}
		rows, err := tx.Query(ctx, "SELECT id, name_fa, name_en FROM "+table+" WHERE id IN (?"+repeatPlaceholder(len(ids)-1)+")", ids...)
		if err != nil {
			return fmt.Errorf("cases: applicants: %w", err)
		}
		for rows.Next() {
			var id int64
			var n catalog.Text
			if err := rows.Scan(&id, &n.FA, &n.EN); err != nil {
				rows.Close()
				return fmt.Errorf("cases: applicants: %w", err)
			}
			if n.EN == "" {
				n.EN = n.FA
			}
			names[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("cases: applicants: %w", err)
		}
	}
	for i := range items {
		c := &items[i].Case
		if c.ApplicantOrgID != 0 {
			items[i].Applicant = orgs[c.ApplicantOrgID]
		} else {
			items[i].Applicant = people[c.ApplicantPersonID]
		}
	}
	return nil
}

// dueIn fills how long each open case held by the organisation has until its
// deadline, and grades it for colour: "breached" once past, "warning" in its last
// fifth or last day, "ok" otherwise (issue 13: time left coloured by urgency).
func dueIn(items []QueueItem, now time.Time) {
	for i := range items {
		c := &items[i].Case
		if c.DueAt.IsZero() || !c.ClosedAt.IsZero() || c.Holder != "organization" {
			continue
		}
		left := c.DueAt.Sub(now)
		items[i].DueIn = left
		switch whole := c.DueAt.Sub(c.SubmittedAt); {
		case left <= 0:
			items[i].Urgency = "breached"
		case left < 24*time.Hour || left*5 < whole:
			items[i].Urgency = "warning"
		default:
			items[i].Urgency = "ok"
		}
	}
}

// matchSearch keeps the items whose tracking code, applicant or subject contains
// query, compared by persian.SearchKey, and pages the result.
func matchSearch(items []QueueItem, query string, limit, offset int) []QueueItem {
	q := persian.SearchKey(query)
	var out []QueueItem
	for _, it := range items {
		hay := persian.SearchKey(strings.Join([]string{it.TrackingCode, it.Applicant.FA, it.Applicant.EN, it.Subject.FA, it.Subject.EN}, "|"))
		if strings.Contains(hay, q) || strings.Contains(strings.ReplaceAll(hay, "-", ""), strings.ReplaceAll(q, "-", "")) {
			out = append(out, it)
		}
	}
	offset = min(max(offset, 0), len(out))
	return out[offset:min(len(out), offset+limit)]
}

// WorkCounts counts, for each service whose queue p may work, the open submitted
// cases waiting for the organisation; staff land on a queue with work in it
// (issue 13) rather than on an empty one while another waits.
func (e *Engine) WorkCounts(ctx context.Context, p *identity.Principal, services []string) (map[string]int, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	out := map[string]int{}
	err := e.view(ctx, func(tx *store.Tx) error {
		for _, svc := range services {
			if !authz.Decide(p, authz.View, authz.Resource{Kind: authz.Queue, Service: svc}) {
				continue
			}
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM cases WHERE service = ? AND holder = 'organization' AND submitted_at > 0",
				svc).Scan(&n); err != nil {
				return fmt.Errorf("cases: work counts %s: %w", svc, err)
			}
			out[svc] = n
		}
		return nil
	})
	return out, err
}

// SearchMyCases is MyCases keeping only the cases whose tracking code or subject
// contains query (every case when query is blank), each with its applicant,
// subject and time left.
func (e *Engine) SearchMyCases(ctx context.Context, p *identity.Principal, query string, limit, offset int) ([]QueueItem, error) {
	if strings.TrimSpace(query) == "" {
		return e.MyCases(ctx, p, limit, offset)
	}
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	all, err := e.myCases(ctx, p, searchScan, 0)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return matchSearch(all, query, limit, offset), nil
}

// caseWho fills a case view's subject and applicant and, for the service's staff,
// the names of the staff who took its steps.
func caseWho(ctx context.Context, tx *store.Tx, p *identity.Principal, cv *CaseView) error {
	cv.Subject = subjectOf(cv.Form)
	row := []QueueItem{{Case: cv.Case}}
	if err := applicantNames(ctx, tx, row); err != nil {
		return err
	}
	cv.Applicant = row[0].Applicant
	if !authz.Decide(p, authz.View, authz.Resource{Kind: authz.Queue, Service: cv.Service}) {
		return nil
	}
	cv.ActorNames = map[int64]string{}
	for _, ev := range cv.History {
		id := ev.ActorAccountID
		if id == 0 || id == cv.ApplicantAccountID {
			continue
		}
		if _, ok := cv.ActorNames[id]; ok {
			continue
		}
		var n string
		if err := tx.QueryRow(ctx, "SELECT display_name FROM accounts WHERE id = ?", id).Scan(&n); err != nil {
			return fmt.Errorf("cases: actor %d of %s: %w", id, cv.TrackingCode, err)
		}
		cv.ActorNames[id] = n
	}
	return nil
}
