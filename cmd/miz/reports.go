package main

import (
	"context"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/slareport"
)

// reportCloseJob publishes each service's SLA report for the month that ended.
const reportCloseJob = "sla_report.close"

// buildReports builds the monthly SLA reports and case statements (issue 20) on the
// registry's key ring and transparency log, and schedules the month-end close.
func (m *Main) buildReports(d *domain) {
	d.reports = &slareport.Service{DB: d.db, Keys: m.Registry.Keys, Log: m.Registry.Log, KPI: d.kpi, Catalog: m.Cases.Catalog, Now: d.db.Now,
		Services: func(ctx context.Context) ([]string, error) {
			svcs, err := d.services(ctx)
			ids := make([]string, 0, len(svcs))
			for _, s := range svcs {
				ids = append(ids, s.ID)
			}
			return ids, err
		},
		Sources: map[string]slareport.Source{"Z-4.1": certificatesAtOnce(m.Registry)}}
	d.statements = &slareport.Statements{DB: d.db, Keys: m.Registry.Keys, Log: m.Registry.Log, Cases: m.Cases, Now: d.db.Now}
	m.Runner.Handle(reportCloseJob, func(ctx context.Context, _ jobs.Job) error { _, err := d.reports.Close(ctx); return err })
	m.Runner.Every(reportCloseJob, 6*time.Hour)
}

// certificatesAtOnce is the Z-4.1 figure of a month: certificates issued, and how
// many were public and logged in the transaction that issued them.
func certificatesAtOnce(reg *certify.Registry) slareport.Source {
	return func(ctx context.Context, service string, from, to time.Time) ([]slareport.Figure, error) {
		issued, atOnce, err := reg.PublishedAtOnce(ctx, from, to)
		if err != nil {
			return nil, err
		}
		i, a := float64(issued), float64(atOnce)
		return []slareport.Figure{{Name: "certificates_issued", Value: &i}, {Name: "published_at_once", Value: &a}}, nil
	}
}
