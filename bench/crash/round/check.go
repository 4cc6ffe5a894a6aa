package round

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/itoir/miz/internal/store"
)

// check compares what the clients were told with what the restarted server holds,
// reading the database and the blob store directly.
func check(ctx context.Context, o Options, recs []record, res *Result) error {
	db, err := store.Open(ctx, o.DB, o.Data)
	if err != nil {
		return fmt.Errorf("open database for the check: %w", err)
	}
	defer db.Close()
	seen := map[string]int{}
	for _, r := range recs {
		if r.cutOff {
			res.Unanswered++
		}
		if r.refused != 0 {
			res.Refused++
			if res.Refused == 1 {
				res.problem("a step was refused with status %d", r.refused)
			}
		}
		if !r.created {
			continue
		}
		res.Created++
		seen[r.code]++
		if seen[r.code] == 2 {
			res.Duplicated++
			res.problem("%s: the same tracking code was given to two submissions", r.code)
		}
		if r.uploaded {
			res.Uploaded++
		}
		if r.submitted {
			res.Submitted++
		}
		if err := db.View(ctx, func(tx *store.Tx) error { return checkOne(ctx, tx, o, r, res) }); err != nil {
			return err
		}
	}
	return db.View(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT tracking_code FROM cases
			GROUP BY tracking_code HAVING COUNT(*) > 1) d`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			res.Duplicated += n
			res.problem("%d tracking codes are stored more than once", n)
		}
		return nil
	})
}

// checkOne checks one acknowledged submission: the case exists, its acknowledged
// document is stored once and byte-identical, an acknowledged submit left it
// submitted (once) with its SLA jobs queued.
func checkOne(ctx context.Context, tx *store.Tx, o Options, r record, res *Result) error {
	var id, submittedAt int64
	var state string
	err := tx.QueryRow(ctx, "SELECT id, state, COALESCE(submitted_at, 0) FROM cases WHERE tracking_code = ?", r.code).
		Scan(&id, &state, &submittedAt)
	if errors.Is(err, sql.ErrNoRows) {
		res.Lost++
		res.problem("%s: acknowledged case is missing", r.code)
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", r.code, err)
	}
	if r.uploaded {
		if r.ackedSHA != r.sha {
			res.Corrupt++
			res.problem("%s: server acknowledged sha256 %s for bytes hashing to %s", r.code, r.ackedSHA, r.sha)
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_documents WHERE case_id = ? AND sha256 = ?", id, r.sha).Scan(&n); err != nil {
			return fmt.Errorf("check %s: %w", r.code, err)
		}
		switch {
		case n == 0:
			res.Lost++
			res.problem("%s: acknowledged document %s is not recorded", r.code, r.sha)
		case n > 1:
			res.Duplicated++
			res.problem("%s: document %s is recorded %d times", r.code, r.sha, n)
		}
		if got, err := blobSHA(o.Data, r.sha); err != nil || got != r.sha {
			res.Corrupt++
			res.problem("%s: blob %s: got %s, %v", r.code, r.sha, got, err)
		}
	}
	var submits int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM case_events WHERE case_id = ? AND transition = 'submit'", id).Scan(&submits); err != nil {
		return fmt.Errorf("check %s: %w", r.code, err)
	}
	if submits > 1 {
		res.Duplicated++
		res.problem("%s: submitted %d times", r.code, submits)
	}
	if !r.submitted {
		return nil
	}
	if submittedAt == 0 || state != "reported" || submits != 1 {
		res.Lost++
		res.problem("%s: acknowledged submit, but state %q, submitted_at %d, %d submit events", r.code, state, submittedAt, submits)
	}
	var jobs int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM jobs WHERE kind = 'cases.sla_milestone' AND unique_key LIKE ?",
		"cases:sla:"+r.code+":%").Scan(&jobs); err != nil {
		return fmt.Errorf("check %s: %w", r.code, err)
	}
	if jobs == 0 {
		res.JobsMissing++
		res.problem("%s: acknowledged submit has no SLA milestone jobs", r.code)
	}
	return nil
}

// blobSHA hashes the stored blob named sha in the disk document store.
func blobSHA(data, sha string) (string, error) {
	f, err := os.Open(filepath.Join(data, "documents", "sha256", sha[:2], sha[2:4], sha))
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fireJobs brings the SLA milestone jobs of up to o.FireJobs acknowledged cases
// forward to now, in the restarted server's database, and waits for its job runner
// to run them all: jobs written before the kill still fire after it.
func fireJobs(ctx context.Context, o Options, recs []record, res *Result) error {
	var codes []string
	for _, r := range recs {
		if r.submitted && len(codes) < o.FireJobs {
			codes = append(codes, r.code)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	db, err := store.Open(ctx, o.DB, o.Data)
	if err != nil {
		return fmt.Errorf("open database to fire jobs: %w", err)
	}
	defer db.Close()
	now := time.Now().UnixMilli()
	err = db.Update(ctx, func(tx *store.Tx) error {
		for _, c := range codes {
			if _, err := tx.Exec(ctx, `UPDATE jobs SET run_at = ? WHERE kind = 'cases.sla_milestone'
				AND state = 'queued' AND unique_key LIKE ?`, now, "cases:sla:"+c+":%"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bring jobs forward: %w", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		pending, done := 0, 0
		err := db.View(ctx, func(tx *store.Tx) error {
			for _, c := range codes {
				var p, d int
				if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN state = 'done' THEN 0 ELSE 1 END), 0),
					COALESCE(SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END), 0)
					FROM jobs WHERE kind = 'cases.sla_milestone' AND unique_key LIKE ?`, "cases:sla:"+c+":%").Scan(&p, &d); err != nil {
					return err
				}
				pending, done = pending+p, done+d
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("watch jobs: %w", err)
		}
		if pending == 0 || time.Now().After(deadline) {
			res.JobsFired, res.JobsUnfired = done, pending
			if pending > 0 {
				res.problem("%d SLA jobs brought forward did not run within 60s", pending)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
