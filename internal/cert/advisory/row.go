package advisory

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/store"
)

// row is an advisory's row in cert_advisories.
type row struct {
	ID             int64
	TrackingID     string
	TLP            tlp.Level
	State          State
	CreatedBy      int64
	CreatedAt      time.Time
	Draft          *Content
	DraftAuthor    int64
	DraftNote      string
	DraftUpdatedAt time.Time
	SubmittedBy    int64
	Revision       int
	Initial        time.Time
	Current        time.Time
}

const rowColumns = `id, tracking_id, tlp, state, created_by, created_at, draft, draft_author, draft_note,
	draft_updated_at, submitted_by, revision, initial_release, current_release`

func scanRow(sc interface{ Scan(...any) error }) (*row, error) {
	var r row
	var tracking, draft, label string
	var trackingN sql.NullString
	var author, submitted, initial, current sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&r.ID, &trackingN, &label, &r.State, &r.CreatedBy, &created, &draft, &author, &r.DraftNote,
		&updated, &submitted, &r.Revision, &initial, &current); err != nil {
		return nil, err
	}
	tracking = trackingN.String
	r.TrackingID = tracking
	if err := r.TLP.UnmarshalText([]byte(label)); err != nil {
		return nil, fmt.Errorf("advisory %d: %w", r.ID, err)
	}
	r.CreatedAt, r.DraftUpdatedAt = store.FromMillis(created), store.FromMillis(updated)
	r.DraftAuthor, r.SubmittedBy = author.Int64, submitted.Int64
	if initial.Valid {
		r.Initial = store.FromMillis(initial.Int64)
	}
	if current.Valid {
		r.Current = store.FromMillis(current.Int64)
	}
	if draft != "" {
		r.Draft = new(Content)
		if err := json.Unmarshal([]byte(draft), r.Draft); err != nil {
			return nil, fmt.Errorf("advisory %d: draft: %w", r.ID, err)
		}
	}
	return &r, nil
}

// loadRow reads advisory id; a missing one is NotFound.
func loadRow(ctx context.Context, tx *store.Tx, id int64) (*row, error) {
	r, err := scanRow(tx.QueryRow(ctx, "SELECT "+rowColumns+" FROM cert_advisories WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("advisory: load %d: %w", id, err)
	}
	return r, nil
}

// loadByTracking reads the published advisory with this tracking ID.
func loadByTracking(ctx context.Context, tx *store.Tx, trackingID string) (*row, error) {
	r, err := scanRow(tx.QueryRow(ctx, "SELECT "+rowColumns+" FROM cert_advisories WHERE tracking_id = ? AND revision > 0", trackingID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("advisory: load %s: %w", trackingID, err)
	}
	return r, nil
}

// RevisionInfo is one published revision of an advisory.
type RevisionInfo struct {
	Number      int       `json:"number"`
	ChangeNote  string    `json:"change_note"`
	PublishedAt time.Time `json:"published_at"`
	AuthorID    int64     `json:"-"`
	ReviewerID  int64     `json:"-"`
	Content     Content   `json:"-"`
}

// loadRevisions reads an advisory's revisions, oldest first.
func loadRevisions(ctx context.Context, tx *store.Tx, id int64) ([]RevisionInfo, error) {
	rows, err := tx.Query(ctx, `SELECT number, content, change_note, author_id, reviewer_id, published_at
		FROM cert_advisory_revisions WHERE advisory_id = ? ORDER BY number`, id)
	if err != nil {
		return nil, fmt.Errorf("advisory: revisions of %d: %w", id, err)
	}
	defer rows.Close()
	var out []RevisionInfo
	for rows.Next() {
		var r RevisionInfo
		var content string
		var at int64
		if err := rows.Scan(&r.Number, &content, &r.ChangeNote, &r.AuthorID, &r.ReviewerID, &at); err != nil {
			return nil, fmt.Errorf("advisory: revisions of %d: %w", id, err)
		}
		if err := json.Unmarshal([]byte(content), &r.Content); err != nil {
			return nil, fmt.Errorf("advisory: revision %d of %d: %w", r.Number, id, err)
		}
		r.PublishedAt = store.FromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
