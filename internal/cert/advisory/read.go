package advisory

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/store"
)

// Summary is one published advisory in a list.
type Summary struct {
	ID         int64     `json:"-"`
	TrackingID string    `json:"id"`
	TLP        tlp.Level `json:"tlp"`
	Severity   Severity  `json:"severity"`
	TitleFa    string    `json:"title_fa"`
	TitleEn    string    `json:"title_en,omitempty"`
	SummaryFa  string    `json:"summary_fa"`
	CVEs       []string  `json:"cves,omitempty"`
	Revision   int       `json:"revision"`
	Initial    time.Time `json:"initial_release"`
	Current    time.Time `json:"current_release"`
}

// Advisory is a published advisory as readers see it: its current revision, the
// history of revisions and the attached packages.
type Advisory struct {
	Summary
	Content   Content        `json:"content"`
	Revisions []RevisionInfo `json:"revisions"`
	Files     []File         `json:"files"`
	// CSAFPath is the CSAF document below /.well-known/csaf/.
	CSAFPath string `json:"-"`
}

// maxList bounds a public list.
const maxResults = 200

// List returns the published advisories p may read, newest first; a query keeps
// those whose text, products, CVE IDs or tracking ID contain it, compared after
// Persian normalisation (persian.SearchKey), so ي/ی, ك/ک, digits and half-spaces
// do not matter.
func (s *Service) List(ctx context.Context, p *identity.Principal, query string) ([]Summary, error) {
	q := `SELECT a.id, a.tracking_id, a.tlp, a.revision, a.initial_release, a.current_release, r.content
		FROM cert_advisories a JOIN cert_advisory_revisions r ON r.advisory_id = a.id AND r.number = a.revision
		WHERE a.revision > 0`
	var args []any
	if !Constituent(p) {
		q += " AND a.tlp = ?"
		args = append(args, tlp.Clear.String())
	}
	if key := persian.SearchKey(query); key != "" {
		q += ` AND a.search LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(key)+"%")
	}
	q += fmt.Sprintf(" ORDER BY a.current_release DESC, a.id DESC LIMIT %d", maxResults)
	var out []Summary
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("advisory: list: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var sm Summary
			var label, content string
			var initial, current int64
			if err := rows.Scan(&sm.ID, &sm.TrackingID, &label, &sm.Revision, &initial, &current, &content); err != nil {
				return fmt.Errorf("advisory: list: %w", err)
			}
			var c Content
			if err := json.Unmarshal([]byte(content), &c); err != nil {
				return fmt.Errorf("advisory: list %s: %w", sm.TrackingID, err)
			}
			fill(&sm, &c)
			sm.Initial, sm.Current = store.FromMillis(initial), store.FromMillis(current)
			out = append(out, sm)
		}
		return rows.Err()
	})
	return out, err
}

func fill(sm *Summary, c *Content) {
	sm.TLP, sm.Severity, sm.TitleFa, sm.TitleEn, sm.SummaryFa, sm.CVEs = c.TLP, c.Severity, c.TitleFa, c.TitleEn, c.SummaryFa, c.CVEs
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// Get returns the published advisory with this tracking ID if p may read it;
// otherwise NotFound, so that a GREEN advisory's existence is not confirmed.
func (s *Service) Get(ctx context.Context, p *identity.Principal, trackingID string) (*Advisory, error) {
	var a Advisory
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		r, err := loadByTracking(ctx, tx, strings.ToUpper(strings.TrimSpace(trackingID)))
		if err != nil {
			return err
		}
		if !mayRead(p, r.TLP) {
			return notFound()
		}
		return s.published(ctx, tx, r, &a)
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// published fills a with r's published revision, history, files and CSAF path.
func (s *Service) published(ctx context.Context, tx *store.Tx, r *row, a *Advisory) error {
	revs, err := loadRevisions(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	if len(revs) == 0 {
		return notFound()
	}
	a.Revisions, a.Content = revs, revs[len(revs)-1].Content
	a.Summary = Summary{ID: r.ID, TrackingID: r.TrackingID, Revision: r.Revision, Initial: r.Initial, Current: r.Current}
	fill(&a.Summary, &a.Content)
	if a.Files, err = loadFiles(ctx, tx, r.ID); err != nil {
		return err
	}
	err = tx.QueryRow(ctx, "SELECT path FROM cert_csaf_documents WHERE advisory_id = ?", r.ID).Scan(&a.CSAFPath)
	if err != nil {
		return fmt.Errorf("advisory: csaf path of %s: %w", r.TrackingID, err)
	}
	return nil
}
