package feed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// ImportJob is the job kind that imports an uploaded file; WatchJob polls the
// watched directory. cmd/miz registers RunQueued and RunWatch under them.
const (
	ImportJob = "cert.feeds.import"
	WatchJob  = "cert.feeds.watch"
)

// importPayload names the queued import.
type importPayload struct {
	ImportID int64 `json:"import_id"`
}

// Upload stores an uploaded feed file in the incoming directory, streamed to disk,
// and queues its import; the import's page shows its progress. p must be CERT staff.
func (s *Service) Upload(ctx context.Context, p *identity.Principal, r io.Reader, filename, name string) (int64, error) {
	if !constituent.IsCERTStaff(p) {
		return 0, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	if s.Incoming == "" {
		return 0, problem.New(problem.Unavailable, "feed.upload.off")
	}
	filename = filepath.Base(strings.TrimSpace(filename))
	if name == "" {
		name = FeedName(filename)
	}
	if name == "" || name == "." {
		return 0, problem.Field("file", "feed.file.required")
	}
	if err := os.MkdirAll(s.Incoming, 0o700); err != nil {
		return 0, fmt.Errorf("feed: upload: %w", err)
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	path := filepath.Join(s.Incoming, hex.EncodeToString(b[:])+".feed")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("feed: upload: %w", err)
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return 0, fmt.Errorf("feed: upload: %w", err)
	}
	if n == 0 {
		_ = os.Remove(path)
		return 0, problem.Field("file", "feed.file.required")
	}
	var id int64
	err = s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) (err error) {
		id, err = createImport(ctx, tx, p, Options{Name: name, Filename: filename, Source: SourceUpload, Size: n}, "queued", path)
		if err != nil {
			return err
		}
		opts := []jobs.Option{jobs.MaxAttempts(1)}
		if s.Jobs != nil {
			opts = append(opts, jobs.Wake(s.Jobs))
		}
		_, err = jobs.Enqueue(ctx, tx, ImportJob, importPayload{ImportID: id}, opts...)
		return err
	})
	if err != nil {
		_ = os.Remove(path)
		return 0, err
	}
	return id, nil
}

// RunQueued is the import job: it imports the uploaded file of a queued import and
// removes the file.
func (s *Service) RunQueued(ctx context.Context, j jobs.Job) error {
	var pl importPayload
	if err := j.Decode(&pl); err != nil {
		return jobs.Permanent(err)
	}
	var path, name, filename string
	var size, account int64
	var status string
	err := s.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT path, name, filename, bytes_total, account_id, status FROM cert_imports WHERE id = ?`, pl.ImportID).
			Scan(&path, &name, &filename, &size, &account, &status)
	})
	if err != nil {
		return jobs.Permanent(fmt.Errorf("feed: queued import %d: %w", pl.ImportID, err))
	}
	if status != "queued" {
		return nil // already run (a retried job after a crash mid-import is not rerun)
	}
	var p *identity.Principal
	if account != 0 {
		err = s.DB.View(ctx, func(tx *store.Tx) (err error) {
			p, err = identity.LoadPrincipal(ctx, tx, account, 0)
			return err
		})
		if err != nil {
			return jobs.Permanent(err)
		}
	}
	defer os.Remove(path)
	if err := s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE cert_imports SET status = 'running', path = '' WHERE id = ? AND status = 'queued'`, pl.ImportID)
		return err
	}); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		_, ferr := s.fail(ctx, p, pl.ImportID, err, Options{Source: SourceUpload})
		return jobs.Permanent(errors.Join(err, ferr))
	}
	defer f.Close()
	_, err = s.run(ctx, p, pl.ImportID, f, Options{Name: name, Filename: filename, Source: SourceUpload, Size: size})
	if err != nil {
		return jobs.Permanent(err)
	}
	return nil
}

// RunWatch imports every file waiting in the watched directory, oldest name first,
// and moves each to done/ or failed/ beside it. Files whose names begin with a dot
// or end in .part are still being written and are left alone.
func (s *Service) RunWatch(ctx context.Context, _ jobs.Job) error {
	if s.Watch == "" {
		return nil
	}
	entries, err := os.ReadDir(s.Watch)
	if err != nil {
		return fmt.Errorf("feed: watch %s: %w", s.Watch, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".part") {
			continue
		}
		if err := s.importWatched(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) importWatched(ctx context.Context, name string) error {
	path := filepath.Join(s.Watch, name)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("feed: watch: %w", err)
	}
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	_, ierr := s.Import(ctx, nil, f, Options{Filename: name, Source: SourceWatch, Size: size})
	f.Close()
	dest := "done"
	if ierr != nil {
		dest = "failed"
	}
	if err := os.MkdirAll(filepath.Join(s.Watch, dest), 0o700); err != nil {
		return fmt.Errorf("feed: watch: %w", err)
	}
	if err := os.Rename(path, filepath.Join(s.Watch, dest, name)); err != nil {
		return fmt.Errorf("feed: watch: move %s: %w", name, err)
	}
	return nil
}
