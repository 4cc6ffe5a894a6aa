package kpi

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// queueHeader names the columns of a queue export: the case's place in the process
// and its clock, never its content (D-1).
var queueHeader = []string{"tracking_code", "kind", "state", "holder", "assignee_account_id",
	"submitted_at", "due_at", "used_business_seconds", "service_version"}

// QueueHeader returns the column names of a queue export.
func QueueHeader() []string { return append([]string(nil), queueHeader...) }

// ProgressEvery is how many rows a queue export writes between progress reports.
const ProgressEvery = 10000

// QueueExport streams a service's open submitted cases, nearest deadline first,
// to w without holding them in memory. Only the service's supervisors and analysts
// may export (authz Queue/Export). progress, if not nil, is called with the rows
// done and the total every ProgressEvery rows and at the end; log receives the
// same as a log line.
func QueueExport(ctx context.Context, db *store.DB, p *identity.Principal, service string, w RowWriter,
	log *slog.Logger, progress func(done, total int)) (int, error) {
	if !authz.Decide(p, authz.Export, authz.Resource{Kind: authz.Queue, Service: service}) {
		if p == nil {
			return 0, problem.New(problem.Unauthorized, "error.unauthorized")
		}
		return 0, problem.New(problem.Forbidden, "export.forbidden")
	}
	done := 0
	err := db.View(ctx, func(tx *store.Tx) error {
		var total int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE service = ? AND closed_at = 0 AND submitted_at > 0`,
			service).Scan(&total); err != nil {
			return err
		}
		report := func() {
			if log != nil {
				log.Info("queue export progress", "service", service, "rows", done, "total", total)
			}
			if progress != nil {
				progress(done, total)
			}
		}
		rows, err := tx.Query(ctx, `SELECT tracking_code, kind, state, holder, assignee_account_id, submitted_at, due_at,
			used_seconds, service_version FROM cases WHERE service = ? AND closed_at = 0 AND submitted_at > 0
			ORDER BY CASE WHEN due_at = 0 THEN 1 ELSE 0 END, due_at, id`, service)
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := w.Row(queueHeader); err != nil {
			return err
		}
		for rows.Next() {
			var code, kind, state, holder string
			var assignee *int64
			var submitted, due, used int64
			var version int
			if err := rows.Scan(&code, &kind, &state, &holder, &assignee, &submitted, &due, &used, &version); err != nil {
				return err
			}
			a := ""
			if assignee != nil {
				a = strconv.FormatInt(*assignee, 10)
			}
			if err := w.Row([]string{code, kind, state, holder, a, instant(submitted), instant(due),
				strconv.FormatInt(used, 10), strconv.Itoa(version)}); err != nil {
				return err
			}
			done++
			if done%ProgressEvery == 0 {
				report()
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		report()
		return nil
	})
	if err != nil {
		if problem.As(err).Code != problem.Internal {
			return done, err
		}
		return done, fmt.Errorf("kpi: queue export %s: %w", service, err)
	}
	return done, nil
}

// instant writes a stored instant as RFC 3339 in Tehran time, or "" for none.
func instant(ms int64) string {
	if ms == 0 {
		return ""
	}
	return store.FromMillis(ms).In(jalali.Tehran()).Format(time.RFC3339)
}

// QueueExport streams a service's queue (see the function QueueExport) from the
// computer's database.
func (c *Computer) QueueExport(ctx context.Context, p *identity.Principal, service string, w RowWriter,
	log *slog.Logger, progress func(done, total int)) (int, error) {
	return QueueExport(ctx, c.DB, p, service, w, log, progress)
}
