package slareport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/tlog"
)

// Source adds the figures of one obligation that the KPI computation does not
// hold (Z-4.1: certificates published at once, from the certificate register).
type Source func(ctx context.Context, service string, from, to time.Time) ([]Figure, error)

// Service publishes, corrects and serves the monthly SLA reports. Every method
// owns its transaction and its audit entry.
type Service struct {
	DB      *store.DB
	Keys    *keys.Ring
	Log     *tlog.Log
	KPI     *kpi.Computer
	Catalog cases.Catalog
	// Services lists the IDs of the published services, for the month-end job.
	Services func(ctx context.Context) ([]string, error)
	// Sources gives figures per obligation ID beyond the KPI computation.
	Sources map[string]Source
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Published is a report as kept: its signed form, where it sits in the log, and
// the report that later corrected it, if any.
type Published struct {
	Report
	JWS         string `json:"credential"`
	JWSSHA256   string `json:"jws_sha256"`
	LogIndex    int64  `json:"log_index"`
	ReplacedBy  string `json:"replaced_by,omitempty"`
	internalRow int64
}

// LogRecord is what the transparency log holds for a report: its identity and the
// hash of its signed form, never its figures.
type LogRecord struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	Service   string `json:"service"`
	Period    string `json:"period"`
	Version   int    `json:"version"`
	Replaces  string `json:"replaces,omitempty"`
	At        int64  `json:"at"`
	JWSSHA256 string `json:"jws_sha256"`
}

// Marshal returns the record's bytes exactly as logged.
func (lr LogRecord) Marshal() []byte {
	b, err := json.Marshal(lr)
	if err != nil { // a struct of strings and ints always marshals
		panic(err)
	}
	return b
}

// ParseLogRecord reads a report's log record; other records are refused.
func ParseLogRecord(b []byte) (LogRecord, error) {
	var lr LogRecord
	if err := json.Unmarshal(b, &lr); err != nil || lr.Type != ReportType || lr.ID == "" {
		return lr, errors.New("slareport: not a report record")
	}
	return lr, nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Close publishes version 1 of the report of every service for the Jalali month
// before the one now is in, where it is not published yet: the month-end job.
// It returns how many reports it published.
func (s *Service) Close(ctx context.Context) (int, error) {
	ids, err := s.Services(ctx)
	if err != nil {
		return 0, fmt.Errorf("slareport: close month: %w", err)
	}
	month := kpi.MonthOf(kpi.MonthOf(s.now()).From.Add(-time.Hour))
	n := 0
	for _, id := range ids {
		_, created, err := s.publish(ctx, "system", id, month, nil, "")
		if err != nil {
			return n, err
		}
		if created {
			n++
		}
	}
	return n, nil
}

// Correct publishes a new version of a service's report for period, naming the
// one it replaces and why; the old version stays published. Supervisors of the
// service and administrators only.
func (s *Service) Correct(ctx context.Context, p *identity.Principal, service, period, reason string) (*Published, error) {
	if p == nil || !(p.Admin || p.HasRole(service, identity.Supervisor)) {
		return nil, problem.New(problem.Forbidden, "error.forbidden")
	}
	if len([]rune(reason)) < 10 {
		return nil, problem.Field("reason", "report.correction.reason")
	}
	per, err := kpi.ParsePeriod(period)
	if err != nil || per.Kind != "month" {
		return nil, problem.Field("period", "report.period.month")
	}
	old, err := s.Latest(ctx, service, per.Text)
	if err != nil {
		return nil, err
	}
	pub, _, err := s.publish(ctx, audit.AccountActor(p.ID), service, per, old, reason)
	return pub, err
}

// publish computes, signs, logs and stores a report; with prev nil it publishes
// version 1 unless one exists (created false), else the version after prev.
func (s *Service) publish(ctx context.Context, actor, service string, per kpi.Period, prev *Published, reason string) (*Published, bool, error) {
	if prev == nil {
		if pub, err := s.Get(ctx, service, per.Text, 1); err == nil {
			return pub, false, nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, false, err
		}
	}
	svc, err := s.Catalog(ctx, service, 0)
	if err != nil {
		return nil, false, fmt.Errorf("slareport: %s: %w", service, err)
	}
	figures, err := s.KPI.Compute(ctx, service, per)
	if err != nil {
		return nil, false, fmt.Errorf("slareport: %s %s: %w", service, per.Text, err)
	}
	version := 1
	if prev != nil {
		version = prev.Version + 1
	}
	rep := build(svc, figures, version, s.now())
	if prev != nil {
		rep.Replaces, rep.CorrectionNote = prev.ID, reason
	}
	for i, ob := range rep.Obligations {
		src, ok := s.Sources[ob.ID]
		if !ok || ob.Party != "organization" {
			continue
		}
		extra, err := src(ctx, service, per.From, per.To)
		if err != nil {
			return nil, false, fmt.Errorf("slareport: %s %s %s: %w", service, per.Text, ob.ID, err)
		}
		rep.Obligations[i].Measure, rep.Obligations[i].Figures = MeasureFigures, append(rep.Obligations[i].Figures, extra...)
	}
	payload, err := json.Marshal(rep)
	if err != nil {
		return nil, false, fmt.Errorf("slareport: marshal: %w", err)
	}
	jws, err := s.Keys.SignJWS(payload)
	if err != nil {
		return nil, false, err
	}
	pub := &Published{Report: *rep, JWS: jws, JWSSHA256: sha256Hex(jws)}
	rec := LogRecord{Type: ReportType, ID: rep.ID, Service: service, Period: per.Text, Version: version, Replaces: rep.Replaces,
		At: store.Millis(rep.IssuedAt), JWSSHA256: pub.JWSSHA256}
	err = s.DB.Update(ctx, func(tx *store.Tx) error {
		if prev == nil {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM sla_reports WHERE service = ? AND period = ?`, service, per.Text).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return errAlreadyPublished
			}
		}
		idx, err := s.Log.Append(ctx, tx, rec.Marshal())
		if err != nil {
			return err
		}
		pub.LogIndex = idx
		if _, err := tx.Exec(ctx, `INSERT INTO sla_reports (service, period, version, replaces, correction_note, catalog_version,
			jws, jws_sha256, tlog_index, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			service, per.Text, version, rep.Replaces, reason, rep.CatalogVersion, jws, pub.JWSSHA256, idx, rec.At); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, "sla_report.published", "sla_report", rep.ID,
			map[string]any{"log_index": idx, "replaces": rep.Replaces, "jws_sha256": pub.JWSSHA256})
	})
	if errors.Is(err, errAlreadyPublished) {
		got, gerr := s.Get(ctx, service, per.Text, 1)
		return got, false, gerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("slareport: publish %s: %w", rep.ID, err)
	}
	return pub, true, nil
}

var errAlreadyPublished = errors.New("slareport: already published")
