package application

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// The results a criterion of the review checklist may have.
const (
	Pass = "pass"
	Fail = "fail"
)

// Criterion is the expert's finding on one review criterion of the catalog
// (module_config.lists.review_criteria): pass or fail, with a note that tells the
// applicant what to fix when it fails.
type Criterion struct {
	ID     string `json:"criterion"`
	Result string `json:"result"`
	Note   string `json:"note,omitempty"`
}

// Checklist is a complete review: one finding per criterion, in catalog order.
type Checklist []Criterion

// Failed lists the criteria that failed.
func (l Checklist) Failed() Checklist {
	var out Checklist
	for _, c := range l {
		if c.Result == Fail {
			out = append(out, c)
		}
	}
	return out
}

// maxNote bounds a criterion's note, in characters.
const maxNote = 2000

// Criteria returns the review criteria the service version publishes (C-4.3).
func Criteria(svc *catalog.Service) []catalog.Item { return svc.ModuleConfig.Lists["review_criteria"] }

// ParseChecklist decodes a checklist and checks it against the catalog's criteria:
// every criterion exactly once, each pass or fail, and a note on every failure.
func ParseChecklist(svc *catalog.Service, raw json.RawMessage) (Checklist, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, problem.Field("checklist", "certify.review.required")
	}
	var in Checklist
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, &problem.Error{Code: problem.Invalid, Key: "certify.review.invalid", Field: "checklist", Err: err}
	}
	byID := map[string]Criterion{}
	for _, c := range in {
		id := strings.ToUpper(strings.TrimSpace(c.ID))
		if _, dup := byID[id]; dup {
			return nil, problem.Field("checklist", "certify.review.duplicate", id)
		}
		c.ID, c.Note = id, persian.Normalize(c.Note)
		if c.Result != Pass && c.Result != Fail {
			return nil, problem.Field("checklist", "certify.review.result", id)
		}
		if c.Result == Fail && c.Note == "" {
			return nil, problem.Field("checklist", "certify.review.note", id)
		}
		if utf8.RuneCountInString(c.Note) > maxNote {
			return nil, problem.Field("checklist", "certify.review.note_long", id, maxNote)
		}
		byID[id] = c
	}
	criteria := Criteria(svc)
	out := make(Checklist, 0, len(criteria))
	var missing []string
	for _, it := range criteria {
		c, ok := byID[it.ID]
		if !ok {
			missing = append(missing, it.ID)
			continue
		}
		out = append(out, c)
		delete(byID, it.ID)
	}
	for id := range byID {
		return nil, problem.Field("checklist", "certify.review.unknown", id)
	}
	if len(missing) > 0 {
		return nil, problem.Field("checklist", "certify.review.missing", strings.Join(missing, "، "))
	}
	return out, nil
}

// reviewOf checks the checklist a review transition carries: passing needs every
// criterion passed; returning for failed criteria needs at least one failure.
func reviewOf(svc *catalog.Service, transition string, in cases.TransitionInput) (Checklist, error) {
	list, err := ParseChecklist(svc, in.Checklist)
	if err != nil {
		return nil, err
	}
	failed := list.Failed()
	switch {
	case transition == TransitionPass && len(failed) > 0:
		return nil, problem.Field("checklist", "certify.review.pass_with_failures", failed[0].ID)
	case transition == TransitionPass && in.Decision != "" && in.Decision != cases.DecisionApprove:
		return nil, problem.Field("decision", "certify.review.decision")
	case transition == TransitionFail && len(failed) == 0:
		return nil, problem.Field("checklist", "certify.review.fail_without_failures")
	}
	return list, nil
}

// Review is one stored review of an application.
type Review struct {
	Transition        string
	ReviewerAccountID int64
	Checklist         Checklist
	At                time.Time
}

// Passed reports whether the review passed the application to approval.
func (r Review) Passed() bool { return r.Transition == TransitionPass }

func saveReview(ctx context.Context, tx *store.Tx, c *cases.Case, transition string, reviewer int64, list Checklist) error {
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	outcome := Pass
	if transition == TransitionFail {
		outcome = Fail
	}
	if _, err := tx.Exec(ctx, `INSERT INTO certify_reviews (case_id, transition, outcome, reviewer_account_id, checklist, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.ID, transition, outcome, reviewer, string(b), store.Millis(tx.Now)); err != nil {
		return fmt.Errorf("certify: %s: save review: %w", c.TrackingCode, err)
	}
	return nil
}

// Reviews returns a case's reviews, newest first. The caller must already have
// checked that the reader may see the case.
func Reviews(ctx context.Context, tx *store.Tx, caseID int64) ([]Review, error) {
	rows, err := tx.Query(ctx, `SELECT transition, reviewer_account_id, checklist, created_at FROM certify_reviews
		WHERE case_id = ? ORDER BY id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("certify: reviews of case %d: %w", caseID, err)
	}
	defer rows.Close()
	var out []Review
	for rows.Next() {
		var r Review
		var list string
		var at int64
		if err := rows.Scan(&r.Transition, &r.ReviewerAccountID, &list, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(list), &r.Checklist); err != nil {
			return nil, fmt.Errorf("certify: review of case %d: %w", caseID, err)
		}
		r.At = store.FromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// checkNotReviewer refuses a signer who reviewed the application at any time
// (four eyes: the catalog's rule covers only the previous staff step).
func checkNotReviewer(ctx context.Context, tx *store.Tx, c *cases.Case, p *identity.Principal) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM certify_reviews WHERE case_id = ? AND reviewer_account_id = ?`,
		c.ID, p.ID).Scan(&n); err != nil {
		return fmt.Errorf("certify: %s: four eyes: %w", c.TrackingCode, err)
	}
	if n > 0 {
		return problem.New(problem.Forbidden, "cases.four_eyes")
	}
	return nil
}

// LoadReviews reads a case's reviews, newest first, for pages that have already
// checked that the reader may see the case.
func LoadReviews(ctx context.Context, db *store.DB, caseID int64) ([]Review, error) {
	var out []Review
	err := db.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = Reviews(ctx, tx, caseID)
		return err
	})
	return out, err
}
