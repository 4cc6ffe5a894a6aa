package advisory

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// DeskItem is one advisory on the editors' desk, with or without pending work.
type DeskItem struct {
	ID         int64
	TrackingID string
	State      State
	Title      string
	Revision   int
	Updated    time.Time
}

// Desk lists every advisory for the CERT's editors, pending work first.
func (s *Service) Desk(ctx context.Context, p *identity.Principal) ([]DeskItem, error) {
	if err := mustEdit(p); err != nil {
		return nil, err
	}
	var out []DeskItem
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+rowColumns+" FROM cert_advisories ORDER BY draft_updated_at DESC, id DESC LIMIT 500")
		if err != nil {
			return fmt.Errorf("advisory: desk: %w", err)
		}
		defer rows.Close()
		var rs []*row
		for rows.Next() {
			r, err := scanRow(rows)
			if err != nil {
				return fmt.Errorf("advisory: desk: %w", err)
			}
			rs = append(rs, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for _, r := range rs {
			it := DeskItem{ID: r.ID, TrackingID: r.TrackingID, State: r.State, Revision: r.Revision, Updated: r.DraftUpdatedAt}
			if r.Draft != nil {
				it.Title = r.Draft.TitleFa
			} else {
				revs, err := loadRevisions(ctx, tx, r.ID)
				if err != nil {
					return err
				}
				if len(revs) > 0 {
					it.Title = revs[len(revs)-1].Content.TitleFa
					it.Updated = revs[len(revs)-1].PublishedAt
				}
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// Work is an advisory as its editors see it: the pending draft, the published
// revision and its history.
type Work struct {
	ID          int64
	TrackingID  string
	State       State
	Draft       *Content
	DraftAuthor int64
	DraftNote   string
	Revision    int
	Published   *Advisory
	// Files are the attached packages, published or not.
	Files []File
	// MayApprove says whether the viewer may publish the draft in review: an editor
	// other than its author (four eyes).
	MayApprove bool
}

// Work returns advisory id for the CERT's editors.
func (s *Service) Work(ctx context.Context, p *identity.Principal, id int64) (*Work, error) {
	if err := mustEdit(p); err != nil {
		return nil, err
	}
	var w Work
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		r, err := loadRow(ctx, tx, id)
		if err != nil {
			return err
		}
		w = Work{ID: r.ID, TrackingID: r.TrackingID, State: r.State, Draft: r.Draft, DraftAuthor: r.DraftAuthor,
			DraftNote: r.DraftNote, Revision: r.Revision, MayApprove: r.State == Review && r.DraftAuthor != p.ID}
		if w.Files, err = loadFiles(ctx, tx, r.ID); err != nil {
			return err
		}
		if r.Revision > 0 {
			w.Published = new(Advisory)
			return s.published(ctx, tx, r, w.Published)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}
