package feed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"sync/atomic"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/match"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// maxBadReported bounds the bad rows an import keeps by line; all are counted.
const maxBadReported = 100

// maxFeeds bounds the distinct feed names one import re-checks; a file naming more
// is not a report of one source, and closes nothing by absence.
const maxFeeds = 1000

// maxGroup bounds the batches queued between the reader and the writer, and so
// the import's memory, and how many the writer commits together.
const maxGroup = 16

// progressRows is how often, in rows, an import records its progress even when
// few rows match.
const progressRows = 50_000

// Options describe one import.
type Options struct {
	Name     string // the feed's name for rows that carry none; "" takes FeedName(Filename)
	Filename string
	Source   string // SourceUpload, SourceCLI or SourceWatch
	Size     int64  // the file's size when known, for progress
	// Progress is called after each batch is stored (and at the end).
	Progress func(Import)
	// Operator names the person at the console for the audit log when an import
	// runs from the command line without a principal.
	Operator string
	// Matcher, when set, is used instead of one built from the verified assets
	// (the benchmark builds its own).
	Matcher *match.Matcher
}

// Result is what an import did.
type Result = Import

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// Import reads a feed from r to its end and stores its matched rows as warnings
// (SLA M-4.3). p must be CERT staff; nil is the system (the watched directory).
// Bad rows are counted and the first of them kept by line; they never stop the
// import. When the whole file was read, live warnings of the feeds it reported that
// it did not see again are closed as re-checked.
func (s *Service) Import(ctx context.Context, p *identity.Principal, r io.Reader, o Options) (Result, error) {
	if p != nil && !constituent.IsCERTStaff(p) {
		return Result{}, problem.New(problem.Forbidden, "constituent.forbidden")
	}
	if o.Name == "" {
		o.Name = FeedName(o.Filename)
	}
	if o.Name == "" {
		return Result{}, problem.Field("name", "error.required")
	}
	var id int64
	err := s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) (err error) {
		id, err = createImport(ctx, tx, p, o, "running", "")
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return s.run(ctx, p, id, r, o)
}

func actor(p *identity.Principal, o Options) string {
	switch {
	case p != nil:
		return audit.AccountActor(p.ID)
	case o.Operator != "":
		return "operator:" + o.Operator
	}
	return "job:" + WatchJob
}

func createImport(ctx context.Context, tx *store.Tx, p *identity.Principal, o Options, status, path string) (int64, error) {
	var account int64
	if p != nil {
		account = p.ID
	}
	id, err := tx.InsertID(ctx, `INSERT INTO cert_imports (name, filename, source, status, path, bytes_total, account_id, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.Name, o.Filename, o.Source, status, path, o.Size, account, store.Millis(tx.Now))
	if err != nil {
		return 0, fmt.Errorf("feed: create import: %w", err)
	}
	return id, audit.Record(ctx, tx, actor(p, o), "cert.import.start", "cert_import", strconv.FormatInt(id, 10),
		map[string]any{"name": o.Name, "source": o.Source, "bytes": o.Size})
}

// batch is one transaction's worth of findings, with the counts up to its end.
type batch struct {
	findings           []warning.Finding
	rows, bad, matched int64
	badRows            []BadRow
	bytes              int64
}

// run reads, classifies and matches on one goroutine and stores on another, so the
// database's write waits overlap the parsing; at most maxGroup batches are in
// flight, which bounds the memory whatever the file's size.
func (s *Service) run(ctx context.Context, p *identity.Principal, id int64, r io.Reader, o Options) (Result, error) {
	m := o.Matcher
	if m == nil {
		assets, err := constituent.VerifiedAssets(ctx, s.DB)
		if err != nil {
			return s.fail(ctx, p, id, err, o)
		}
		m, _ = match.Build(assets)
	}
	sup, err := constituent.Suppressions(ctx, s.DB)
	if err != nil {
		return s.fail(ctx, p, id, err, o)
	}
	cr := &countingReader{r: r}
	fr, err := Open(cr, o.Name)
	if err != nil {
		return s.fail(ctx, p, id, err, o)
	}
	size := s.BatchSize
	if size <= 0 {
		size = 500
	}
	out := make(chan batch, maxGroup)
	feeds := map[string]bool{}
	var readErr error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(out)
		b := batch{}
		seen := map[seenKey]bool{}
		var rows, bad, matched int64
		flush := func() bool {
			b.rows, b.bad, b.matched, b.bytes = rows, bad, matched, cr.n.Load()
			select {
			case out <- b:
			case <-ctx.Done():
				return false
			}
			b = batch{findings: make([]warning.Finding, 0, size)}
			clear(seen)
			return true
		}
		for {
			ev, br, err := fr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				readErr = err
				break
			}
			rows++
			if br != nil {
				bad++
				if bad <= maxBadReported {
					b.badRows = append(b.badRows, *br)
				}
				continue
			}
			if rows%progressRows == 0 && !flush() {
				return
			}
			owner, by := m.Match(match.Event{IP: ev.IP, Host: ev.Host, ASN: ev.ASN})
			if len(feeds) < maxFeeds || feeds[ev.Feed] {
				feeds[ev.Feed] = true
			} else {
				feeds[""] = true // too many feeds: closes nothing by absence
			}
			if by == match.ByNone {
				continue
			}
			matched++
			fp := ev.Fingerprint()
			k := seenKey{owner.OrgID, ev.Feed, fp}
			if seen[k] {
				continue
			}
			seen[k] = true
			b.findings = append(b.findings, finding(ev, owner, by, fp, sup))
			if len(b.findings) >= size && !flush() {
				return
			}
		}
		flush()
	}()
	var res Result
	var badRows []BadRow
	for b := range out {
		// Everything the reader queued while the last commit was syncing goes into
		// one transaction: commits, not rows, are what a durable store pays for.
		group := []batch{b}
	drain:
		for len(group) < maxGroup {
			select {
			case nb, ok := <-out:
				if !ok {
					break drain
				}
				group = append(group, nb)
			default:
				break drain
			}
		}
		last := group[len(group)-1]
		for _, g := range group {
			if len(badRows) < maxBadReported {
				badRows = append(badRows, g.badRows[:min(len(g.badRows), maxBadReported-len(badRows))]...)
			}
		}
		res.Rows, res.Bad, res.Matched, res.BytesRead = last.rows, last.bad, last.matched, last.bytes
		err := s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
			for _, g := range group {
				if err := warning.Store(ctx, tx, id, g.findings); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `UPDATE cert_imports SET bytes_read = ?, rows_read = ?, rows_bad = ?, rows_matched = ? WHERE id = ?`,
				last.bytes, last.rows, last.bad, last.matched, id)
			return err
		})
		if err != nil {
			cancel()
			for range out {
			}
			return s.fail(ctx, p, id, err, o)
		}
		if o.Progress != nil {
			res.ID, res.Status, res.BytesTotal = id, "running", o.Size
			o.Progress(res)
		}
	}
	if readErr != nil {
		return s.fail(ctx, p, id, readErr, o)
	}
	return s.finish(ctx, p, id, res, badRows, feeds, o)
}

// seenKey is a finding's identity within one batch.
type seenKey struct {
	org  int64
	feed string
	fp   int64
}

// finding is the warning an event matched to owner becomes.
func finding(ev Event, owner match.Owner, by match.By, fp int64, sup map[int64]constituent.Rules) warning.Finding {
	f := warning.Finding{OrgID: owner.OrgID, AssetID: owner.AssetID, MatchedBy: string(by), Feed: ev.Feed, Fingerprint: fp,
		Class: ev.Class, Type: ev.Type, Severity: ev.Severity, Tag: ev.Tag, Port: ev.Port, ASN: int64(ev.ASN),
		Host: ev.Host, ObservedAt: ev.Time}
	if ev.IP != (netip.Addr{}) {
		f.IP = ev.IP.String()
	}
	if r, ok := sup[owner.OrgID]; ok && r.Suppresses(ev.Class, ev.Type) {
		f.Suppressed = true
	}
	return f
}

// finish closes what the feeds no longer report and records the import's end.
func (s *Service) finish(ctx context.Context, p *identity.Principal, id int64, res Result, badRows []BadRow,
	feeds map[string]bool, o Options) (Result, error) {
	res.ID, res.Name, res.Filename, res.Source, res.BadRows, res.BytesTotal = id, o.Name, o.Filename, o.Source, badRows, o.Size
	if res.BytesTotal < res.BytesRead {
		res.BytesTotal = res.BytesRead
	}
	bad, _ := json.Marshal(badRows)
	if badRows == nil {
		bad = []byte("[]")
	}
	err := s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		res.WarningsClosed = 0
		if !feeds[""] {
			for f := range feeds {
				n, err := warning.CloseAbsent(ctx, tx, id, f)
				if err != nil {
					return err
				}
				res.WarningsClosed += n
			}
		}
		n, err := warning.CountNew(ctx, tx, id)
		if err != nil {
			return err
		}
		res.WarningsNew = n
		res.FinishedAt = tx.Now
		res.Status = "done"
		if _, err := tx.Exec(ctx, `UPDATE cert_imports SET status = 'done', bytes_total = ?, bytes_read = ?, rows_read = ?, rows_bad = ?,
			rows_matched = ?, warnings_new = ?, warnings_closed = ?, bad_lines = ?, finished_at = ? WHERE id = ?`,
			res.BytesTotal, res.BytesRead, res.Rows, res.Bad, res.Matched, res.WarningsNew, res.WarningsClosed, string(bad),
			store.Millis(tx.Now), id); err != nil {
			return fmt.Errorf("feed: finish import %d: %w", id, err)
		}
		return audit.Record(ctx, tx, actor(p, o), "cert.import.finish", "cert_import", strconv.FormatInt(id, 10), map[string]any{
			"rows": res.Rows, "bad": res.Bad, "matched": res.Matched, "new": res.WarningsNew, "closed": res.WarningsClosed})
	})
	if err != nil {
		return res, err
	}
	if o.Progress != nil {
		o.Progress(res)
	}
	return res, nil
}

// fail records an import that stopped (the input failed, or the database); what it
// stored stays, and nothing is closed by absence.
func (s *Service) fail(ctx context.Context, p *identity.Principal, id int64, cause error, o Options) (Result, error) {
	ctx = context.WithoutCancel(ctx)
	if errors.Is(cause, ErrNoColumns) {
		cause = problem.Field("file", "feed.no_columns")
	}
	msg := cause.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	err := s.DB.UpdateAt(ctx, s.now, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE cert_imports SET status = 'failed', error = ?, finished_at = ? WHERE id = ?`,
			msg, store.Millis(tx.Now), id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor(p, o), "cert.import.fail", "cert_import", strconv.FormatInt(id, 10), map[string]any{"error": msg})
	})
	if err != nil {
		return Result{ID: id, Status: "failed"}, fmt.Errorf("feed: import %d failed (%v) and could not be recorded: %w", id, cause, err)
	}
	if pe := problem.As(cause); pe != nil && pe.Code != problem.Internal {
		return Result{ID: id, Status: "failed"}, cause
	}
	return Result{ID: id, Status: "failed"}, fmt.Errorf("feed: import %d: %w", id, cause)
}
