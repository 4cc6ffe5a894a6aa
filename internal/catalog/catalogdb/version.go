package catalogdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Status is where a version stands in the editorial workflow.
type Status string

// The statuses of a version: a draft is being written, a version in review waits for
// a publisher, a published one is public for good, a withdrawn one was abandoned
// before publication.
const (
	StatusDraft     Status = "draft"
	StatusReview    Status = "review"
	StatusPublished Status = "published"
	StatusWithdrawn Status = "withdrawn"
)

// Version is one stored version of a service, with its editorial history.
type Version struct {
	ID      int64
	Service string
	Number  int
	Status  Status
	// YAML is the service file as the editor wrote it.
	YAML string
	// EffectiveFrom is the first instant new cases use the version; zero until
	// published.
	EffectiveFrom time.Time
	// Account IDs; 0 is the system (the seeded defaults) or "not yet".
	CreatedBy, UpdatedBy, SubmittedBy, PublishedBy int64
	// Summary tells applicants what changed (C-4.6).
	Summary                                        catalog.Text
	CreatedAt, UpdatedAt, SubmittedAt, PublishedAt time.Time
}

// Problems checks the version's file: every problem catalog.Parse finds, and a
// service ID or version number that does not match the row it is stored in.
func (v *Version) Problems() []catalog.Problem {
	return check(v.Service, v.Number, []byte(v.YAML))
}

var (
	idLine      = regexp.MustCompile(`(?m)^id:`)
	versionLine = regexp.MustCompile(`(?m)^version:`)
)

// check parses text as version n of service and lists what is wrong with it.
func check(service string, n int, text []byte) []catalog.Problem {
	name := fmt.Sprintf("%s v%d", service, n)
	svc, err := catalog.Parse(name, text)
	if err != nil {
		var ve *catalog.ValidationError
		if errors.As(err, &ve) {
			return ve.Problems
		}
		return []catalog.Problem{{File: name, Message: err.Error()}}
	}
	var out []catalog.Problem
	if svc.ID != service {
		out = append(out, catalog.Problem{File: name, Line: lineOf(idLine, text),
			Message: fmt.Sprintf("id: this is a version of %q, got %q", service, svc.ID)})
	}
	if svc.Version != n {
		out = append(out, catalog.Problem{File: name, Line: lineOf(versionLine, text),
			Message: fmt.Sprintf("version: this draft is version %d, got %d", n, svc.Version)})
	}
	return out
}

// lineOf returns the 1-based line of the first match of re in text, or 0.
func lineOf(re *regexp.Regexp, text []byte) int {
	loc := re.FindIndex(text)
	if loc == nil {
		return 0
	}
	line := 1
	for _, b := range text[:loc[0]] {
		if b == '\n' {
			line++
		}
	}
	return line
}

// withVersion rewrites the top-level version line of a service file.
func withVersion(text string, n int) string {
	return regexp.MustCompile(`(?m)^version:.*$`).ReplaceAllLiteralString(text, "version: "+strconv.Itoa(n))
}

// withEffectiveFrom rewrites the top-level effective_from line of a service file.
func withEffectiveFrom(text string, d catalog.Date) string {
	return regexp.MustCompile(`(?m)^effective_from:.*$`).ReplaceAllLiteralString(text, "effective_from: "+d.String())
}

const versionColumns = `id, service, version, status, yaml, effective_from, created_by, updated_by,
	submitted_by, published_by, change_summary_fa, change_summary_en, created_at, updated_at, submitted_at, published_at`

func scanVersion(row interface{ Scan(...any) error }) (*Version, error) {
	var v Version
	var status string
	var eff, created, updated, submitted, pub int64
	if err := row.Scan(&v.ID, &v.Service, &v.Number, &status, &v.YAML, &eff, &v.CreatedBy, &v.UpdatedBy,
		&v.SubmittedBy, &v.PublishedBy, &v.Summary.FA, &v.Summary.EN, &created, &updated, &submitted, &pub); err != nil {
		return nil, err
	}
	v.Status = Status(status)
	v.EffectiveFrom, v.CreatedAt, v.UpdatedAt = store.FromMillis(eff), store.FromMillis(created), store.FromMillis(updated)
	v.SubmittedAt, v.PublishedAt = store.FromMillis(submitted), store.FromMillis(pub)
	return &v, nil
}

func getVersion(ctx context.Context, tx *store.Tx, service string, n int) (*Version, error) {
	v, err := scanVersion(tx.QueryRow(ctx, `SELECT `+versionColumns+` FROM service_versions
		WHERE service = ? AND version = ?`, service, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.New(problem.NotFound, "catalog.version.unknown", service, n)
	}
	if err != nil {
		return nil, fmt.Errorf("catalogdb: get %s v%d: %w", service, n, err)
	}
	return v, nil
}

// Get returns version n of a service in any status. Callers decide who may see a
// draft: the public sees only published versions.
func (s *Store) Get(ctx context.Context, service string, n int) (*Version, error) {
	var v *Version
	err := s.DB.View(ctx, func(tx *store.Tx) (err error) {
		v, err = getVersion(ctx, tx, service, n)
		return err
	})
	return v, err
}

// History returns the published versions of a service, newest first (SLA §8: older
// versions stay viewable).
func (s *Store) History(ctx context.Context, service string) ([]*Version, error) {
	vs, err := s.query(ctx, `WHERE service = ? AND status = 'published' ORDER BY version DESC`, service)
	if err == nil && len(vs) == 0 {
		return nil, problem.Field("service", "cases.service.unknown", service)
	}
	return vs, err
}

// Drafts returns every version not yet published nor withdrawn, oldest first, for
// the editors' list.
func (s *Store) Drafts(ctx context.Context) ([]*Version, error) {
	return s.query(ctx, `WHERE status IN ('draft', 'review') ORDER BY service, version`)
}

func (s *Store) query(ctx context.Context, where string, args ...any) ([]*Version, error) {
	var out []*Version
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+versionColumns+` FROM service_versions `+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanVersion(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("catalogdb: list versions: %w", err)
	}
	return out, nil
}
