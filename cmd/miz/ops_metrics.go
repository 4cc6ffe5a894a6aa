package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/itoir/miz/internal/backup"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/store"
)

// opsCollector exports what the alert rules in deploy/prometheus/miz-rules.yml watch
// (issue 19): each service's queue and SLA deadlines (SLA C-4.1), its state on the
// status page (SLA C-4.4), and the age of the newest backup a drill proved.
type opsCollector struct {
	db      *store.DB
	outages *outages.Service
	now     func() time.Time
}

var (
	casesWaitingDesc = prometheus.NewDesc("miz_cases_waiting",
		"Submitted open cases waiting on the Organization, by service.", []string{"service"}, nil)
	casesOverdueDesc = prometheus.NewDesc("miz_cases_overdue",
		"Open cases waiting on the Organization past their SLA deadline, by service.", []string{"service"}, nil)
	queueAgeDesc = prometheus.NewDesc("miz_queue_oldest_age_seconds",
		"Seconds since the longest-waiting open case was submitted, by service (0: none waits).", []string{"service"}, nil)
	serviceStateDesc = prometheus.NewDesc("miz_service_state",
		"1 for each service's current state on the public status page: operational, planned-maintenance, degraded or outage.",
		[]string{"service", "state"}, nil)
	backupAgeDesc = prometheus.NewDesc("miz_backup_newest_good_age_seconds",
		"Seconds since the newest backup that a restore drill proved was taken; absent until a drill has passed.", nil, nil)
)

func (c opsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{casesWaitingDesc, casesOverdueDesc, queueAgeDesc, serviceStateDesc, backupAgeDesc} {
		ch <- d
	}
}

func (c opsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := c.now()
	if figs, err := cases.QueueFigures(ctx, c.db, now); err == nil {
		for svc, f := range figs {
			ch <- prometheus.MustNewConstMetric(casesWaitingDesc, prometheus.GaugeValue, float64(f.Waiting), svc)
			ch <- prometheus.MustNewConstMetric(casesOverdueDesc, prometheus.GaugeValue, float64(f.Overdue), svc)
			age := 0.0
			if !f.OldestSubmitted.IsZero() {
				age = now.Sub(f.OldestSubmitted).Seconds()
			}
			ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, age, svc)
		}
	}
	if c.outages != nil {
		if st, err := c.outages.Status(ctx); err == nil {
			for _, s := range st.Services {
				for _, state := range []outages.State{outages.Operational, outages.Maintenance, outages.Disrupted, outages.Unavailable} {
					v := 0.0
					if s.State == state {
						v = 1
					}
					ch <- prometheus.MustNewConstMetric(serviceStateDesc, prometheus.GaugeValue, v, s.Service, string(state))
				}
			}
		}
	}
	if g, err := backup.NewestGood(ctx, c.db); err == nil && g != nil {
		ch <- prometheus.MustNewConstMetric(backupAgeDesc, prometheus.GaugeValue, now.Sub(g.TakenAt).Seconds())
	}
}
