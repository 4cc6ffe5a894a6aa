package report

import (
	"context"
	"strings"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Review is the second person's decision on a report in review (four eyes, D-3):
// approve, or return it to its author as a draft. The author cannot review.
func (s *Service) Review(ctx context.Context, p *identity.Principal, code string, id int64, approve bool) (*Report, error) {
	action := "cert.report.return"
	if approve {
		action = "cert.report.approve"
	}
	return s.step(ctx, p, code, id, action, func(tx *store.Tx, r *Report) error {
		if r.AuthorID == p.ID {
			return problem.New(problem.Forbidden, "report.four_eyes")
		}
		if r.Status != StatusInReview {
			return problem.New(problem.Conflict, "report.state.review")
		}
		status := StatusDraft
		if approve {
			status = StatusApproved
		}
		_, err := tx.Exec(ctx, `UPDATE cert_reports SET status = ?, reviewer_id = ?, reviewed_at = ? WHERE id = ?`,
			status, p.ID, store.Millis(tx.Now), r.ID)
		return err
	})
}

// Redact records the public-warning draft of a reviewed report: the reviewer's
// copy with names, addresses and internal details removed (Diff shows what
// changed). The draft is for the proactive line's warning; it is not published
// from here, and the original stays private (D-1).
func (s *Service) Redact(ctx context.Context, p *identity.Principal, code string, id int64, in Draft) (*Report, error) {
	in, err := in.check()
	if err != nil {
		return nil, err
	}
	return s.step(ctx, p, code, id, "cert.report.redact", func(tx *store.Tx, r *Report) error {
		if r.Status != StatusApproved && r.Status != StatusDelivered {
			return problem.New(problem.Conflict, "report.state.reviewed")
		}
		if r.AuthorID == p.ID {
			return problem.New(problem.Forbidden, "report.redact.reviewer")
		}
		if strings.TrimSpace(in.Body) == strings.TrimSpace(r.Body) {
			return problem.Field("body", "report.redact.unchanged")
		}
		_, err := tx.Exec(ctx, `UPDATE cert_reports SET redacted_title = ?, redacted_body = ?, redacted_by = ?, redacted_at = ?
			WHERE id = ?`, in.Title, in.Body, p.ID, store.Millis(tx.Now), r.ID)
		return err
	})
}

// DiffLine is one line of the difference between the original and its redaction.
type DiffLine struct {
	// Op is "=" (kept), "-" (removed from the original) or "+" (added).
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Diff is the line difference from a to b (longest common subsequence).
func Diff(a, b string) []DiffLine {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(x), len(y)
	if n*m > 4_000_000 { // too long to align: all removed, then all added
		out := make([]DiffLine, 0, n+m)
		for _, l := range x {
			out = append(out, DiffLine{"-", l})
		}
		for _, l := range y {
			out = append(out, DiffLine{"+", l})
		}
		return out
	}
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{"=", x[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{"-", x[i]})
			i++
		default:
			out = append(out, DiffLine{"+", y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{"-", x[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{"+", y[j]})
	}
	return out
}
