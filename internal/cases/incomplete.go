package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Deficiency is one missing or defective item found in a completeness check: a
// document type or form field ID, and a note for the applicant.
type Deficiency struct {
	ID       int64
	Item     string
	Note     string
	Resolved bool
	At       time.Time
}

// ReturnInput is the list of items staff send a case back for.
type ReturnInput struct {
	Items []Deficiency
	// Reason is the covering note; empty means the items' notes joined.
	Reason  string
	Version int
}

// ReturnIncomplete sends a case back to the applicant as incomplete with the list
// of missing or defective items; the clock pauses while the applicant holds it
// (SLA C-4.1, SLA-CLOCK rule 3). It takes the process's transition from the current
// state into a state paused for incomplete documents.
func (e *Engine) ReturnIncomplete(ctx context.Context, p *identity.Principal, code string, in ReturnInput) (*Case, error) {
	if len(in.Items) == 0 {
		return nil, problem.Field("items", "cases.deficiency.none")
	}
	var notes []string
	for _, it := range in.Items {
		if strings.TrimSpace(it.Item) == "" {
			return nil, problem.Field("items", "cases.deficiency.item")
		}
		if n := strings.TrimSpace(it.Note); n != "" {
			notes = append(notes, n)
		}
	}
	if strings.TrimSpace(in.Reason) == "" {
		in.Reason = strings.Join(notes, "؛ ")
	}
	var c *Case
	err := e.update(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = lookup(ctx, tx, code); err != nil {
			return err
		}
		svc, k, err := e.process(ctx, c)
		if err != nil {
			return err
		}
		var t *catalog.Transition
		for _, cand := range k.TransitionsFrom(c.State) {
			if to, ok := k.State(cand.To); ok && to.Pause == catalog.PauseIncomplete {
				t = cand
				break
			}
		}
		if t == nil {
			return problem.New(problem.Conflict, "cases.transition.wrong_state", "return_incomplete", c.State)
		}
		if err := e.apply(ctx, tx, p, c, svc, k, t, TransitionInput{Transition: t.ID, Reason: in.Reason, Version: in.Version, deficiencies: in.Items}); err != nil {
			return err
		}
		for _, it := range in.Items {
			if _, err := tx.Exec(ctx, `INSERT INTO case_deficiencies (case_id, item, note, created_at) VALUES (?, ?, ?, ?)`,
				c.ID, strings.TrimSpace(it.Item), strings.TrimSpace(it.Note), store.Millis(tx.Now)); err != nil {
				return fmt.Errorf("cases: %s: deficiency: %w", c.TrackingCode, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Resubmit returns an incomplete case to the Organization once the applicant has
// completed it; the clock resumes where it stopped, or restarts when the catalog says
// on_resubmit: restart (SLA-CLOCK rule 3). Open deficiencies are marked resolved.
func (e *Engine) Resubmit(ctx context.Context, p *identity.Principal, code string) (*Case, error) {
	var c *Case
	err := e.update(ctx, func(tx *store.Tx) error {
		var err error
		if c, err = lookup(ctx, tx, code); err != nil {
			return err
		}
		svc, k, err := e.process(ctx, c)
		if err != nil {
			return err
		}
		st, _ := k.State(c.State)
		var t *catalog.Transition
		if st != nil && st.Pause == catalog.PauseIncomplete {
			t = firstApplicantMove(k, c.State, "resubmit")
		}
		if t == nil {
			return problem.New(problem.Conflict, "cases.transition.wrong_state", "resubmit", c.State)
		}
		if err := e.apply(ctx, tx, p, c, svc, k, t, TransitionInput{Transition: t.ID}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE case_deficiencies SET resolved = TRUE, resolved_at = ? WHERE case_id = ? AND resolved = FALSE`,
			store.Millis(tx.Now), c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Deficiencies lists a case's completeness-check items, oldest first.
func (e *Engine) Deficiencies(ctx context.Context, p *identity.Principal, code string) ([]Deficiency, error) {
	var out []Deficiency
	err := e.view(ctx, func(tx *store.Tx) error {
		c, err := e.lookupFor(ctx, tx, p, code, authz.View, authz.Case)
		if err != nil {
			return err
		}
		out, err = loadDeficiencies(ctx, tx, c)
		return err
	})
	return out, err
}

// loadDeficiencies reads a case's completeness-check items, oldest first; the
// caller checks access.
func loadDeficiencies(ctx context.Context, tx *store.Tx, c *Case) ([]Deficiency, error) {
	rows, err := tx.Query(ctx, `SELECT id, item, note, resolved, created_at FROM case_deficiencies WHERE case_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: %s: deficiencies: %w", c.TrackingCode, err)
	}
	defer rows.Close()
	var out []Deficiency
	for rows.Next() {
		var d Deficiency
		var at int64
		if err := rows.Scan(&d.ID, &d.Item, &d.Note, &d.Resolved, &at); err != nil {
			return nil, fmt.Errorf("cases: %s: deficiencies: %w", c.TrackingCode, err)
		}
		d.At = store.FromMillis(at)
		out = append(out, d)
	}
	return out, rows.Err()
}
