package advisory

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Save stores an editor's draft (SLA M-4.1): id 0 starts a new advisory; a draft
// is rewritten in place; an advisory in review goes back to draft, since what the
// reviewer would approve has changed; a published advisory gets a pending revision
// that needs a change note. The editor who saves becomes the draft's author, whom
// the four-eyes rule keeps from approving it. It returns the advisory's id.
func (s *Service) Save(ctx context.Context, p *identity.Principal, id int64, in Input) (int64, error) {
	if err := mustEdit(p); err != nil {
		return 0, err
	}
	if err := Validate(&in.Content); err != nil {
		return 0, err
	}
	in.ChangeNote = strings.TrimSpace(persian.Normalize(in.ChangeNote))
	if len(in.ChangeNote) > maxTitle*3 {
		return 0, problem.Field("change_note", "advisory.change_note.long", maxTitle*3)
	}
	body, err := json.Marshal(in.Content)
	if err != nil {
		return 0, fmt.Errorf("advisory: save: %w", err)
	}
	err = s.update(ctx, func(tx *store.Tx) error {
		now := store.Millis(tx.Now)
		if id == 0 {
			id, err = tx.InsertID(ctx, `INSERT INTO cert_advisories (tlp, state, created_by, created_at, draft,
				draft_author, draft_note, draft_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				in.TLP.String(), string(Draft), p.ID, now, string(body), p.ID, in.ChangeNote, now)
			if err != nil {
				return fmt.Errorf("advisory: create: %w", err)
			}
			return audit.Record(ctx, tx, audit.AccountActor(p.ID), "advisory.draft", "advisory", fmt.Sprint(id),
				map[string]any{"title": in.TitleFa, "tlp": in.TLP.String(), "severity": string(in.Severity)})
		}
		r, err := loadRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Revision > 0 && in.ChangeNote == "" {
			return problem.Field("change_note", "advisory.change_note.required")
		}
		if _, err := tx.Exec(ctx, `UPDATE cert_advisories SET state = ?, draft = ?, draft_author = ?, draft_note = ?,
			draft_updated_at = ?, submitted_by = NULL WHERE id = ?`, string(Draft), string(body), p.ID, in.ChangeNote, now, id); err != nil {
			return fmt.Errorf("advisory: save %d: %w", id, err)
		}
		action := "advisory.edit"
		if r.State == Published {
			action = "advisory.revise"
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), action, "advisory", fmt.Sprint(id),
			map[string]any{"title": in.TitleFa, "from": string(r.State), "revision": r.Revision + 1, "note": in.ChangeNote})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// Submit sends a draft to review by a second editor.
func (s *Service) Submit(ctx context.Context, p *identity.Principal, id int64) error {
	if err := mustEdit(p); err != nil {
		return err
	}
	return s.update(ctx, func(tx *store.Tx) error {
		r, err := loadRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != Draft {
			return problem.New(problem.Conflict, "advisory.state.not_draft")
		}
		if _, err := tx.Exec(ctx, "UPDATE cert_advisories SET state = ?, submitted_by = ? WHERE id = ?", string(Review), p.ID, id); err != nil {
			return fmt.Errorf("advisory: submit %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "advisory.submit", "advisory", fmt.Sprint(id),
			map[string]any{"revision": r.Revision + 1})
	})
}

// Return sends an advisory in review back to draft with the reviewer's reason.
func (s *Service) Return(ctx context.Context, p *identity.Principal, id int64, reason string) error {
	if err := mustEdit(p); err != nil {
		return err
	}
	reason = strings.TrimSpace(persian.Normalize(reason))
	if reason == "" {
		return problem.Field("reason", "advisory.reason.required")
	}
	return s.update(ctx, func(tx *store.Tx) error {
		r, err := loadRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != Review {
			return problem.New(problem.Conflict, "advisory.state.not_review")
		}
		if _, err := tx.Exec(ctx, "UPDATE cert_advisories SET state = ?, submitted_by = NULL WHERE id = ?", string(Draft), id); err != nil {
			return fmt.Errorf("advisory: return %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "advisory.return", "advisory", fmt.Sprint(id),
			map[string]any{"reason": reason})
	})
}
