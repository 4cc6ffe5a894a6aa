package advisory

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/csaf"
	"github.com/itoir/miz/internal/cert/cvss"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// trackingLock serialises the numbering of advisories on PostgreSQL.
const trackingLock = 0x16_0050

// Publish approves an advisory in review and publishes it as its next revision
// (SLA M-4.1). Four eyes: the editor who wrote the draft may not approve it. The
// revision is kept for good, the advisory gets its tracking ID on first
// publication, and its CSAF 2.0 document is written, hashed and signed in the
// same transaction. It returns the tracking ID.
func (s *Service) Publish(ctx context.Context, p *identity.Principal, id int64) (string, error) {
	if err := mustEdit(p); err != nil {
		return "", err
	}
	if s.Signer == nil {
		return "", fmt.Errorf("advisory: publish: no CSAF signing key")
	}
	var tracking string
	err := s.update(ctx, func(tx *store.Tx) error {
		r, err := loadRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.State != Review || r.Draft == nil {
			return problem.New(problem.Conflict, "advisory.state.not_review")
		}
		if r.DraftAuthor == p.ID {
			return problem.New(problem.Forbidden, "advisory.four_eyes")
		}
		if r.TrackingID == "" {
			if r.TrackingID, err = nextTrackingID(ctx, tx); err != nil {
				return err
			}
		}
		tracking = r.TrackingID
		rev, now := r.Revision+1, store.Millis(tx.Now)
		note := r.DraftNote
		if rev == 1 && note == "" {
			note = "انتشار نخست"
		}
		body, _ := json.Marshal(r.Draft) // read from JSON a moment ago
		if _, err := tx.Exec(ctx, `INSERT INTO cert_advisory_revisions (advisory_id, number, content, change_note,
			author_id, reviewer_id, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, id, rev, string(body), note, r.DraftAuthor, p.ID, now); err != nil {
			return fmt.Errorf("advisory: publish %d: %w", id, err)
		}
		initial := now
		if r.Revision > 0 {
			initial = store.Millis(r.Initial)
		}
		if _, err := tx.Exec(ctx, `UPDATE cert_advisories SET tracking_id = ?, tlp = ?, state = ?, revision = ?,
			initial_release = ?, current_release = ?, search = ?, draft = '', draft_author = NULL, draft_note = '',
			submitted_by = NULL WHERE id = ?`, r.TrackingID, r.Draft.TLP.String(), string(Published), rev, initial, now,
			searchKey(r.TrackingID, r.Draft), id); err != nil {
			return fmt.Errorf("advisory: publish %d: %w", id, err)
		}
		if err := s.writeCSAF(ctx, tx, id, r.TrackingID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.AccountActor(p.ID), "advisory.publish", "advisory", fmt.Sprint(id),
			map[string]any{"tracking_id": r.TrackingID, "revision": rev, "author": r.DraftAuthor, "tlp": r.Draft.TLP.String()})
	})
	return tracking, err
}

// nextTrackingID numbers advisories per year of publication: MIZ-2026-0001, ….
func nextTrackingID(ctx context.Context, tx *store.Tx) (string, error) {
	if err := tx.Lock(ctx, trackingLock); err != nil {
		return "", fmt.Errorf("advisory: number: %w", err)
	}
	prefix := fmt.Sprintf("MIZ-%d-", tx.Now.UTC().Year())
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM cert_advisories WHERE tracking_id LIKE ?", prefix+"%").Scan(&n); err != nil {
		return "", fmt.Errorf("advisory: number: %w", err)
	}
	return fmt.Sprintf("%s%04d", prefix, n+1), nil
}

// searchKey is the folded text a search matches against.
func searchKey(tracking string, c *Content) string {
	parts := []string{tracking, c.TitleFa, c.TitleEn, c.SummaryFa, c.SummaryEn, strings.Join(c.CVEs, " ")}
	for _, p := range c.Products {
		parts = append(parts, p.Name)
	}
	return persian.SearchKey(strings.Join(parts, "\n"))
}

// writeCSAF (re)writes the CSAF document of advisory id from its revisions.
func (s *Service) writeCSAF(ctx context.Context, tx *store.Tx, id int64, tracking string) error {
	revs, err := loadRevisions(ctx, tx, id)
	if err != nil {
		return err
	}
	cur := revs[len(revs)-1].Content
	a := csaf.Advisory{TrackingID: tracking, Label: csafLabel(cur.TLP), Title: cur.TitleFa, TitleEn: cur.TitleEn,
		Summary: cur.SummaryFa, SummaryEn: cur.SummaryEn, Remediation: cur.RemediationFa, RemediationEn: cur.RemediationEn,
		Severity: string(cur.Severity), CVEs: cur.CVEs, References: cur.References, GeneratorVersion: s.Version,
		PortalURL: s.base() + "/advisories/" + tracking}
	for _, p := range cur.Products {
		a.Products = append(a.Products, csaf.Product{Name: p.Name, Versions: p.Versions})
	}
	if cur.CVSS != "" {
		if sc, err := cvss.Parse("cvss", cur.CVSS); err == nil {
			a.CVSS = &csaf.Score{Version: sc.Version, Vector: sc.Vector, Base: sc.Base, Severity: sc.Severity}
		}
	}
	for _, r := range revs {
		a.Revisions = append(a.Revisions, csaf.Revision{Number: r.Number, Date: r.PublishedAt, Summary: r.ChangeNote})
	}
	initial, current := revs[0].PublishedAt, revs[len(revs)-1].PublishedAt
	path := csaf.EntryPath(a.Label, tracking, initial)
	a.SelfURL = s.provider().Root() + path
	body, err := csaf.Build(a, Publisher)
	if err != nil {
		return err
	}
	sig, err := s.Signer.Sign(body, tx.Now)
	if err != nil {
		return err
	}
	h256, h512 := sha256.Sum256(body), sha512.Sum512(body)
	if _, err := tx.Exec(ctx, "DELETE FROM cert_csaf_documents WHERE advisory_id = ?", id); err != nil {
		return fmt.Errorf("advisory: csaf %s: %w", tracking, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO cert_csaf_documents (advisory_id, label, path, body, sha256, sha512, signature,
		title, initial_release, current_release) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, string(a.Label), path, body,
		hex.EncodeToString(h256[:]), hex.EncodeToString(h512[:]), sig, cur.TitleFa, store.Millis(initial), store.Millis(current))
	if err != nil {
		return fmt.Errorf("advisory: csaf %s: %w", tracking, err)
	}
	return nil
}
