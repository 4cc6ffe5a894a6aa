package desk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// The aggregates below are for the public KPIs and the supervisors: only counts and
// timings, never the text of a question, an answer or a comment (D-1). Each covers
// [from, to); a zero to means "until now".

// CSATStats aggregates ratings (SLA C-4.9).
type CSATStats struct {
	Count int
	// MeanService and MeanCourtesy are the mean ratings, 1–5; zero without ratings.
	MeanService, MeanCourtesy float64
	// Satisfied is the share (0–1) of ratings of the service at 4 or 5.
	Satisfied float64
}

// CSAT aggregates the feedback given on a service's cases in [from, to) (C-4.9).
func CSAT(ctx context.Context, db *store.DB, service string, from, to time.Time) (CSATStats, error) {
	var out CSATStats
	err := db.View(ctx, func(tx *store.Tx) error {
		var sumS, sumC, happy int64
		err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(service_rating), 0), COALESCE(SUM(courtesy_rating), 0),
			COALESCE(SUM(CASE WHEN service_rating >= 4 THEN 1 ELSE 0 END), 0)
			FROM case_feedback WHERE service = ? AND created_at >= ? AND created_at < ?`,
			service, store.Millis(from), untilMillis(to)).Scan(&out.Count, &sumS, &sumC, &happy)
		if err != nil {
			return fmt.Errorf("desk: csat %s: %w", service, err)
		}
		out.MeanService, out.MeanCourtesy, out.Satisfied = ratio(sumS, out.Count), ratio(sumC, out.Count), ratio(happy, out.Count)
		return nil
	})
	return out, err
}

// FirstResponseStats aggregates the first-response clock of questions (C-4.7).
type FirstResponseStats struct {
	// Asked counts questions asked in the period; Answered those answered since.
	Asked, Answered int
	// MedianSeconds and P90Seconds are counted time to the first answer (business
	// seconds for business budgets), over answered questions.
	MedianSeconds, P90Seconds int64
	// OnTime is the share (0–1) of answered questions answered by their deadline.
	OnTime float64
	// Waiting counts questions of the period still waiting for a first answer, and
	// Overdue those of them past their deadline now.
	Waiting, Overdue int
}

// FirstResponse aggregates the first responses to a service's questions asked in
// [from, to) (C-4.7), for the median first response on the KPI page.
func FirstResponse(ctx context.Context, db *store.DB, service string, from, to time.Time) (FirstResponseStats, error) {
	var out FirstResponseStats
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT first_response_at, first_response_seconds, first_due_at FROM questions
			WHERE service = ? AND asked_at >= ? AND asked_at < ?`, service, store.Millis(from), untilMillis(to))
		if err != nil {
			return fmt.Errorf("desk: first response %s: %w", service, err)
		}
		defer rows.Close()
		var secs []int64
		onTime := 0
		now := store.Millis(tx.Now)
		for rows.Next() {
			var at, sec, due int64
			if err := rows.Scan(&at, &sec, &due); err != nil {
				return fmt.Errorf("desk: first response %s: %w", service, err)
			}
			out.Asked++
			switch {
			case at != 0:
				secs = append(secs, sec)
				if due == 0 || at <= due {
					onTime++
				}
			case due != 0 && now > due:
				out.Waiting++
				out.Overdue++
			default:
				out.Waiting++
			}
		}
		out.Answered = len(secs)
		out.OnTime = ratio(int64(onTime), out.Answered)
		out.MedianSeconds, out.P90Seconds = quantile(secs, 0.5), quantile(secs, 0.9)
		return rows.Err()
	})
	return out, err
}

// VisitStats aggregates in-person visits of cases (C-4.8).
type VisitStats struct {
	// Cases counts the service's cases closed in the period, Visits their visits.
	Cases, Visits int
	// PerCase is Visits / Cases.
	PerCase float64
	// OverLimit counts those cases with a visit beyond the published maximum.
	OverLimit int
}

// VisitsPerCase aggregates the visits of a service's cases closed in [from, to), to
// set against the published max_visits (C-4.8).
func VisitsPerCase(ctx context.Context, db *store.DB, service string, from, to time.Time) (VisitStats, error) {
	var out VisitStats
	err := db.View(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(v.n), 0), COALESCE(SUM(CASE WHEN v.over > 0 THEN 1 ELSE 0 END), 0)
			FROM cases c LEFT JOIN (SELECT case_id, COUNT(*) AS n, SUM(CASE WHEN over_limit THEN 1 ELSE 0 END) AS over
				FROM case_visits GROUP BY case_id) v ON v.case_id = c.id
			WHERE c.service = ? AND c.closed_at >= ? AND c.closed_at < ? AND c.closed_at > 0`,
			service, store.Millis(from), untilMillis(to)).Scan(&out.Cases, &out.Visits, &out.OverLimit)
		if err != nil {
			return fmt.Errorf("desk: visits %s: %w", service, err)
		}
		out.PerCase = ratio(int64(out.Visits), out.Cases)
		return nil
	})
	return out, err
}

// StaffFeedback is one staff member's aggregate (C-4.9).
type StaffFeedback struct {
	AccountID int64
	Name      string
	CSATStats
}

// Comment is one feedback comment, for the service's supervisors only.
type Comment struct {
	CaseCode string
	At       time.Time
	Text     string
}

// FeedbackSummary is what a service's supervisors see of its feedback.
type FeedbackSummary struct {
	Service string
	Overall CSATStats
	Staff   []StaffFeedback
	// Comments are the latest comments, newest first (at most 100).
	Comments []Comment
}

// Summary returns the feedback of a service's cases in [from, to) per staff member
// who acted on the rated cases, with the latest comments, to the service's
// supervisors only (C-4.9).
func (d *Service) Summary(ctx context.Context, p *identity.Principal, service string, from, to time.Time) (*FeedbackSummary, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	if !p.HasRole(service, identity.Supervisor) {
		return nil, problem.New(problem.Forbidden, "desk.feedback.supervisor")
	}
	overall, err := CSAT(ctx, d.DB, service, from, to)
	if err != nil {
		return nil, err
	}
	out := &FeedbackSummary{Service: service, Overall: overall}
	err = d.view(ctx, func(tx *store.Tx) error {
		var err error
		if out.Staff, err = staffFeedback(ctx, tx, service, from, to); err != nil {
			return err
		}
		out.Comments, err = comments(ctx, tx, service, from, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func staffFeedback(ctx context.Context, tx *store.Tx, service string, from, to time.Time) ([]StaffFeedback, error) {
	rows, err := tx.Query(ctx, `SELECT s.staff_account_id, COALESCE(MAX(a.display_name), ''), COALESCE(MAX(a.username), ''),
		COUNT(*), SUM(f.service_rating), SUM(f.courtesy_rating), SUM(CASE WHEN f.service_rating >= 4 THEN 1 ELSE 0 END)
		FROM case_feedback f JOIN case_feedback_staff s ON s.feedback_id = f.id
		LEFT JOIN accounts a ON a.id = s.staff_account_id
		WHERE f.service = ? AND f.created_at >= ? AND f.created_at < ?
		GROUP BY s.staff_account_id ORDER BY s.staff_account_id`, service, store.Millis(from), untilMillis(to))
	if err != nil {
		return nil, fmt.Errorf("desk: staff feedback %s: %w", service, err)
	}
	defer rows.Close()
	var out []StaffFeedback
	for rows.Next() {
		var s StaffFeedback
		var user string
		var sumS, sumC, happy int64
		if err := rows.Scan(&s.AccountID, &s.Name, &user, &s.Count, &sumS, &sumC, &happy); err != nil {
			return nil, fmt.Errorf("desk: staff feedback %s: %w", service, err)
		}
		if s.Name == "" {
			s.Name = user
		}
		s.MeanService, s.MeanCourtesy, s.Satisfied = ratio(sumS, s.Count), ratio(sumC, s.Count), ratio(happy, s.Count)
		out = append(out, s)
	}
	return out, rows.Err()
}

func comments(ctx context.Context, tx *store.Tx, service string, from, to time.Time) ([]Comment, error) {
	rows, err := tx.Query(ctx, `SELECT c.tracking_code, f.created_at, f.comment FROM case_feedback f JOIN cases c ON c.id = f.case_id
		WHERE f.service = ? AND f.created_at >= ? AND f.created_at < ? AND f.comment <> ''
		ORDER BY f.created_at DESC, f.id DESC LIMIT 100`, service, store.Millis(from), untilMillis(to))
	if err != nil {
		return nil, fmt.Errorf("desk: comments %s: %w", service, err)
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var at int64
		if err := rows.Scan(&c.CaseCode, &at, &c.Text); err != nil {
			return nil, fmt.Errorf("desk: comments %s: %w", service, err)
		}
		c.At = store.FromMillis(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// untilMillis is the stored form of a period's end; zero means no end.
func untilMillis(to time.Time) int64 {
	if to.IsZero() {
		return 1<<63 - 1
	}
	return store.Millis(to)
}

func ratio(n int64, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// quantile returns the nearest-rank q-quantile of xs (sorted in place); 0 when empty.
func quantile(xs []int64, q float64) int64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	i := int(q*float64(len(xs))+0.999999) - 1
	return xs[min(max(i, 0), len(xs)-1)]
}
