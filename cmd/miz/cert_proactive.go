package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/web"
)

// feedWatchEvery is how often the watched feed directory is polled.
const feedWatchEvery = time.Minute

// buildProactive builds the CERT's proactive line (issue 16): constituents and
// their assets, threat-feed imports (uploads wait in --data/cert-feeds until the
// import job reads them; --cert-feed-watch is polled), and direct warnings, whose
// digest and escalation run as a periodic job.
func (m *Main) buildProactive(db *store.DB) *web.Proactive {
	cfg := m.Config
	cons := &constituent.Service{DB: db, Now: db.Now}
	feeds := &feed.Service{DB: db, Now: db.Now, Incoming: filepath.Join(cfg.Data, "cert-feeds"), Watch: cfg.CertFeedWatch,
		Jobs: m.Runner}
	warns := &warning.Service{DB: db, Now: db.Now, BaseURL: m.publicBase}
	m.Runner.Handle(feed.ImportJob, feeds.RunQueued)
	if feeds.Watch != "" {
		m.Runner.Handle(feed.WatchJob, feeds.RunWatch)
		m.Runner.Every(feed.WatchJob, feedWatchEvery)
	}
	m.Runner.Handle(warning.JobKind, func(ctx context.Context, _ jobs.Job) error { return warns.RunJob(ctx) })
	m.Runner.Every(warning.JobKind, warning.JobInterval)
	return &web.Proactive{Constituents: cons, Feeds: feeds, Warnings: warns}
}
