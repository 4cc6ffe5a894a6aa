package feed

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Sources of an import.
const (
	SourceUpload = "upload"
	SourceCLI    = "cli"
	SourceWatch  = "watch"
)

// Service imports feeds and reads the record of imports.
type Service struct {
	DB *store.DB
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Incoming is the directory uploaded files wait in for the import job; ""
	// refuses uploads.
	Incoming string
	// Watch is the directory polled for feed files; "" watches none. A file is
	// imported once, then moved to Watch/done (or Watch/failed).
	Watch string
	// Jobs wakes the job runner when an upload is queued; nil waits for its poll.
	Jobs jobs.Waker
	// BatchSize is how many matched rows are written per transaction (default 500).
	BatchSize int
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Import is the record of one import.
type Import struct {
	ID             int64
	Name           string
	Filename       string
	Source         string
	Status         string
	BytesTotal     int64
	BytesRead      int64
	Rows           int64
	Bad            int64
	Matched        int64
	WarningsNew    int64
	WarningsClosed int64
	BadRows        []BadRow
	Error          string
	StartedAt      time.Time
	FinishedAt     time.Time
}

// Percent is how much of the file has been read, 0–100.
func (i Import) Percent() int {
	if i.Status == "done" {
		return 100
	}
	if i.BytesTotal <= 0 {
		return 0
	}
	return int(min(100, i.BytesRead*100/i.BytesTotal))
}

// Finished reports whether the import has ended, well or not.
func (i Import) Finished() bool { return i.Status == "done" || i.Status == "failed" }

// FeedName is the name an import gets from its file when none is given: the base
// name without its extension.
func FeedName(filename string) string {
	base := filepath.Base(filename)
	for {
		ext := filepath.Ext(base)
		if ext == "" || len(ext) > 6 {
			break
		}
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

const importCols = `id, name, filename, source, status, bytes_total, bytes_read, rows_read, rows_bad, rows_matched,
	warnings_new, warnings_closed, bad_lines, error, started_at, finished_at`

func scanImport(row interface{ Scan(...any) error }) (Import, error) {
	var i Import
	var bad string
	var started, finished int64
	err := row.Scan(&i.ID, &i.Name, &i.Filename, &i.Source, &i.Status, &i.BytesTotal, &i.BytesRead, &i.Rows, &i.Bad,
		&i.Matched, &i.WarningsNew, &i.WarningsClosed, &bad, &i.Error, &started, &finished)
	if err != nil {
		return i, err
	}
	_ = json.Unmarshal([]byte(bad), &i.BadRows)
	i.StartedAt = store.FromMillis(started)
	if finished != 0 {
		i.FinishedAt = store.FromMillis(finished)
	}
	return i, nil
}

// Get reads one import (CERT staff only).
func (s *Service) Get(ctx context.Context, p *identity.Principal, id int64) (Import, error) {
	if !constituent.IsCERTStaff(p) {
		return Import{}, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	var i Import
	err := s.DB.View(ctx, func(tx *store.Tx) (err error) {
		i, err = scanImport(tx.QueryRow(ctx, `SELECT `+importCols+` FROM cert_imports WHERE id = ?`, id))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return Import{}, problem.New(problem.NotFound, "feed.import.not_found")
	}
	if err != nil {
		return Import{}, fmt.Errorf("feed: import %d: %w", id, err)
	}
	return i, nil
}

// List reads the latest imports, newest first (CERT staff only).
func (s *Service) List(ctx context.Context, p *identity.Principal, limit int) ([]Import, error) {
	if !constituent.IsCERTStaff(p) {
		return nil, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	var out []Import
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+importCols+` FROM cert_imports ORDER BY id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			i, err := scanImport(rows)
			if err != nil {
				return err
			}
			out = append(out, i)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("feed: imports: %w", err)
	}
	return out, nil
}
