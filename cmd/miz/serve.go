package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/itoir/miz/internal/api"
	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/calendar"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/evidence"
	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/complaints"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/oversight"
	"github.com/itoir/miz/internal/pdf"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/server"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/slareport"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/web"
	"github.com/itoir/miz/internal/whitehat"
)

// Main is a running Miz server. Tests boot the whole program with it on 127.0.0.1:0.
type Main struct {
	Config Config
	Log    *slog.Logger
	Out    io.Writer // where the start banner goes

	DB       *store.DB
	Runner   *jobs.Runner
	Services []*catalog.Service // in force at start
	Catalog  *catalogdb.Store
	Cases    *cases.Engine
	Registry *certify.Registry
	API      *api.API
	Web      *web.Server
	pdf      *pdf.Printer // certificate PDFs, for both adapters

	// Incidents is the CERT desk's incident service (internal/cert/reactive).
	Incidents *reactive.Service
	// Billing issues invoices and records payments (§6).
	Billing *billing.Service
	// Advisories is the CERT's advisories and CSAF provider (internal/cert/advisory).
	Advisories *advisory.Service
	certWork   *certWork
	// Evidence keeps incidents' evidence encrypted (internal/cert/evidence).
	Evidence *evidence.Service

	ln   net.Listener
	http *http.Server
	fronts
	metrics  *http.Server // on --metrics-addr, when set
	mln      net.Listener
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	closeErr error
	now      func() time.Time // the clock, injected by tests only; nil is time.Now
}

// Run opens the database, builds the domain services and the HTTP adapters on top
// of them, and starts the job runner and the HTTP server; it returns once the server
// is listening.
func (m *Main) Run(ctx context.Context) error {
	phases := newStartupPhases() // startup.go
	db, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	phases.done("store")
	d, err := m.buildDomain(ctx, db)
	if err != nil {
		return err
	}
	phases.done("domain")
	handler, err := m.buildHTTP(d)
	if err != nil {
		return err
	}
	phases.done("http")
	defer phases.log(m.Log)
	return m.serve(d, handler)
}

// domain is every service cmd/miz builds before the HTTP adapters: the adapters get
// these and construct none themselves (issue 12).
type domain struct {
	db         *store.DB
	runCtx     context.Context // lives until Close; the runner and watchers use it
	services   func(ctx context.Context) ([]*catalog.Service, error)
	calendar   *calendar.Service
	desk       *desk.Service
	cmp        *complaints.Service
	outages    *outages.Service
	kpi        *kpi.Computer
	reports    *slareport.Service
	statements *slareport.Statements
	apps       *application.Module
	anchors    *audit.Anchorer
	oversight  *oversight.Service
	auth       *httpauth.Auth
	sessions   *identity.Sessions
	accounts   *identity.Accounts
	devMail    *notify.DevMailbox // issue 14: a demo without gateways keeps mail in /dev/outbox
	proactive  *web.Proactive     // issue 16: constituents, threat feeds, direct warnings
	courses    *course.Courses    // training courses (M-4.2)
	whitehat   *whitehat.Programme
}

// openStore sets up logging, opens and migrates the database and seeds the demo
// data when asked.
func (m *Main) openStore(ctx context.Context) (*store.DB, error) {
	cfg := m.Config
	var err error
	if m.Log == nil {
		if m.Log, err = newLogger(os.Stderr, cfg); err != nil {
			return nil, err
		}
	}
	if _, ok := m.Log.Handler().(interface{ IsRequestAware() }); !ok {
		m.Log = slog.New(server.ContextHandler(m.Log.Handler())) // every line of a request carries its ID
	}
	if m.Out == nil {
		m.Out = os.Stdout
	}
	if err := checkPublicURL(cfg, m.Log); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return nil, err
	}
	m.DB = db
	if m.now != nil {
		db.Now = m.now
	}
	if err := db.Migrate(ctx, migrationProgress(m.Log)); err != nil {
		return nil, err
	}
	if cfg.Demo {
		// Security #11 item 13: demo data and its well-known password never go
		// into a database that real people use.
		if err := demo.CheckDemoOnly(ctx, db); err != nil {
			return nil, err
		}
		if _, err := demo.Seed(ctx, db); err != nil {
			return nil, err
		}
	}
	return db, nil
}

// buildDomain builds every domain service: the catalog, the job runner and its
// jobs, notifications, the business calendar, the case engine with its modules, the
// registry, the audit anchors, the desk, complaints, outages, KPIs and identity.
func (m *Main) buildDomain(ctx context.Context, db *store.DB) (*domain, error) {
	cfg := m.Config
	d := &domain{db: db}
	// SLA C-4.6: the catalog is versioned in the database, seeded with the defaults.
	m.Catalog = catalogdb.New(db)
	m.Catalog.BaseURL = cfg.BaseURL
	srcs, err := catalog.DefaultSources()
	if err == nil {
		err = m.Catalog.Seed(ctx, srcs)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	if m.Services, err = m.Catalog.List(ctx); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	d.services = m.Catalog.List

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.runCtx, m.cancel = runCtx, cancel
	m.Runner = jobs.NewRunner(db, m.Log, jobs.Options{})
	m.Runner.Handle("sessions.purge", func(ctx context.Context, _ jobs.Job) error {
		return db.Update(ctx, func(tx *store.Tx) error { return identity.PurgeExpired(ctx, tx) })
	})
	m.Runner.Every("sessions.purge", time.Hour)
	m.Runner.Handle("jobs.prune", func(ctx context.Context, _ jobs.Job) error {
		_, err := jobs.Prune(ctx, db, db.Now().Add(-30*24*time.Hour))
		return err
	})
	m.Runner.Every("jobs.prune", 24*time.Hour)
	m.Runner.Handle(catalogdb.RenewalKind, func(ctx context.Context, _ jobs.Job) error {
		_, err := m.Catalog.RemindRenewals(ctx) // SLA §8: editors renew before validity ends
		return err
	})
	m.Runner.Every(catalogdb.RenewalKind, 24*time.Hour)
	m.registerBackupJob(db) // --backup-dir: scheduled, retained and drilled backups
	sender := m.newSender(db)
	d.devMail = devMailbox(cfg, db, sender)
	sender.Register(m.Runner)

	docs, err := openDocuments(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// SLA-CLOCK rules 5, 6: the calendar reloads after an edit here, and within 10s of one elsewhere.
	cal, err := calendar.NewLive(ctx, db, sla.Config{})
	if err != nil {
		return nil, err
	}
	m.wg.Add(1)
	go func() { defer m.wg.Done(); cal.Watch(runCtx, 10*time.Second, m.Log) }()
	m.Cases = &cases.Engine{DB: db, Catalog: m.Catalog.Catalog, Calendar: cal.Calendar,
		Docs: docs, Timers: cases.JobTimers{Wake: m.Runner}, Now: db.Now, BaseURL: cfg.BaseURL}
	d.calendar = &calendar.Service{DB: db, Live: cal, Deadlines: m.Cases, Now: db.Now}
	if cfg.Demo { // issue 13: deadlines right from the first start
		if _, err := d.calendar.SeedOfficialHolidays(ctx); err != nil {
			return nil, fmt.Errorf("demo: official holidays: %w", err)
		}
	}
	m.Runner.Handle(cases.MilestoneJob, m.Cases.HandleMilestone(cases.NotifyMilestone))
	m.Runner.Handle(cases.StepMilestoneJob, m.Cases.HandleStepMilestone(cases.NotifyStepMilestone))

	// SLA Z-4.1: the public registry of certificates, its signing keys and its
	// transparency log.
	if m.Registry, err = newRegistry(db, cfg); err != nil {
		return nil, err
	}
	for _, svc := range m.Services {
		if svc.Module == "certify" {
			m.Registry.FromCatalog(svc)
		}
	}
	m.Registry.RegisterJobs(m.Runner)
	d.apps = &application.Module{Registry: m.Registry, BaseURL: cfg.BaseURL}
	m.Cases.Modules = map[string]cases.Module{"certify": d.apps, "cert": certModule(&reactive.Module{Now: db.Now, WebPages: true})}
	m.Incidents = &reactive.Service{DB: db, Cases: m.Cases, Now: db.Now} // CERT incidents (issue 15)
	// §6: invoices, payments, and the case steps that wait for a payment (C-4.1).
	if m.Billing, err = m.newBilling(); err != nil {
		return nil, err
	}
	d.proactive = m.buildProactive(db)                              // constituents, feeds, warnings (issue 16)
	if m.Advisories, err = newAdvisories(m, db, docs); err != nil { // SLA M-4.1: advisories, CSAF provider
		return nil, err
	}
	// CERT dispatch, consent, technical reports and vulnerability disclosure (issue 15).
	m.certWork = newCertWork(db, m.Cases, m.Registry.Keys, cfg.BaseURL, db.Now)
	evRing, evKey, err := evidence.OpenKeyring(keysDir(cfg))
	if err != nil {
		return nil, err
	}
	m.Evidence = &evidence.Service{DB: db, Incidents: m.Incidents, Key: evKey, Ring: evRing, Now: db.Now}
	if cfg.Demo {
		if _, err := m.Registry.SeedDemo(ctx); err != nil {
			return nil, err
		}
		seeder := *m.Cases // demo history shows in the inbox but is mailed to nobody (issue 14)
		seeder.InAppOnly = true
		if err := application.SeedDemo(ctx, &seeder, m.Services); err != nil { // applications at each review step
			return nil, err
		}
	}
	// Security #11: the audit chain's head is signed at start, every AuditAnchor and on
	// `miz audit anchor`, so that a cut or rewritten chain no longer verifies.
	d.anchors = newAnchorer(db, m.Registry.Keys, cfg)
	m.Runner.Handle("audit.anchor", func(ctx context.Context, _ jobs.Job) error { _, _, err := d.anchors.Anchor(ctx); return err })
	if cfg.AuditAnchor > 0 {
		m.Runner.Every("audit.anchor", cfg.AuditAnchor)
	}
	if _, _, err := d.anchors.Anchor(ctx); err != nil {
		m.Log.Error("audit chain not anchored at start", "err", err)
	}
	// Questions, visits and feedback (C-4.7–C-4.9), complaints (C-4.5), outages
	// (C-4.4) and the public figures built from them.
	d.desk = &desk.Service{DB: db, Catalog: m.Cases.Catalog, Calendar: m.Cases.Calendar, Now: m.Cases.Now}
	d.cmp = complaints.New(m.Cases)
	d.cmp.Wake, d.cmp.BaseURL = m.Runner, cfg.BaseURL
	d.cmp.RegisterJobs(m.Runner) // negotiation and decision deadlines (SLA-CLOCK rules 7, 10)
	d.outages = &outages.Service{DB: db, Services: d.services}
	d.kpi = newKPI(m, d.outages)
	m.buildReports(d)                                            // issue 20: signed monthly SLA reports and case statements
	d.oversight = &oversight.Service{DB: db, Anchors: d.anchors} // /admin/audit
	d.courses, d.whitehat = m.buildCourses(db)
	return d, m.buildIdentity(ctx, d)
}

// newSender delivers notifications by e-mail and SMS where configured.
func (m *Main) newSender(db *store.DB) *notify.Sender {
	cfg := m.Config
	sender := &notify.Sender{DB: db, Log: m.Log}
	if cfg.SMTPAddr != "" {
		mailer := &notify.SMTPMailer{Addr: cfg.SMTPAddr, Username: cfg.SMTPUser, Password: cfg.SMTPPassword, From: cfg.SMTPFrom}
		if cfg.SMTPRequireTLS { // Security #11: never hand mail to the relay in the clear
			mailer.TLS = notify.TLSRequire
		}
		sender.Mail = mailer
	}
	if cfg.SMSURL != "" {
		sender.SMS = &notify.HTTPSMSGateway{URL: cfg.SMSURL, Token: cfg.SMSToken}
	}
	return sender
}

// buildIdentity builds request authentication, sign-in and the account services.
func (m *Main) buildIdentity(ctx context.Context, d *domain) error {
	cfg, db := m.Config, d.db
	// Browsers reach the desk over HTTPS with TLS here, behind a TLS proxy, or at an
	// https base URL: then cookies are Secure and HSTS is sent (Security #11 item 10).
	secure := cfg.TLSCert != "" || cfg.Secure || strings.HasPrefix(strings.ToLower(cfg.BaseURL), "https://")
	d.auth = &httpauth.Auth{DB: db, Secure: secure, WebTTL: cfg.Session, APITTL: cfg.APIToken, Log: m.Log}
	if db.Dialect == store.SQLite {
		// One process owns an SQLite database, so every logout passes through this
		// cache; PostgreSQL may have several instances behind a load balancer (and
		// outages to report), so there each request asks the database.
		d.auth.CacheTTL = time.Second
	}
	var err error
	if d.auth.TrustedProxies, err = httpauth.ParseTrustedProxies(cfg.TrustedProxies); err != nil {
		return err
	}
	d.auth.IdleTimeout = cfg.IdleTimeout
	pol := identity.DefaultLoginPolicy()
	if pol.TOTP, err = openTOTPKey(ctx, db, cfg); err != nil {
		return err
	}
	d.sessions = &identity.Sessions{DB: db, Policy: pol, Forget: d.auth.Forget}
	d.accounts = &identity.Accounts{DB: db, Policy: pol, KnownService: knownServices(db)}
	return nil
}

// buildHTTP builds the web pages and the API over the domain services, and the
// handler that serves both.
func (m *Main) buildHTTP(d *domain) (http.Handler, error) {
	cfg := m.Config
	w, err := web.New(&web.Server{Auth: d.auth, Log: m.Log, Version: version, Services: d.services, Cases: m.Cases,
		Catalog: m.Catalog, Sessions: d.sessions, Accounts: d.accounts, Applications: d.apps, Calendar: d.calendar,
		Registry: m.Registry, Desk: d.desk, Complaints: d.cmp, Outages: d.outages, KPI: d.kpi, Banner: d.outages.Banner,
		BaseURL: m.publicBase, OIDC: m.newOIDC(), OIDCEnabled: cfg.OIDCIssuer != "", Demo: cfg.Demo, Oversight: d.oversight,
		Notices: &web.Notices{Inbox: &notify.Inbox{DB: d.db}, Prefs: &notify.Preferences{DB: d.db}, Roster: &identity.Roster{DB: d.db}, DevMailbox: d.devMail},
		Reports: d.reports, Statements: d.statements, Advisories: m.Advisories, CertWork: m.certWork.web()})
	if err != nil {
		return nil, err
	}
	a, err := api.New(&api.API{Auth: d.auth, Log: m.Log, Version: version, Services: d.services, Cases: m.Cases,
		Sessions: d.sessions, Accounts: d.accounts, Calendar: d.calendar, Registry: m.Registry, Desk: d.desk,
		Complaints: d.cmp, Outages: d.outages, KPI: d.kpi, AuditHead: publishedAuditHead(d.anchors), BaseURL: m.publicBase,
		Reports: d.reports, Statements: d.statements, Advisories: m.Advisories, CertWork: m.certWork.api()})
	if err != nil {
		return nil, err
	}
	// Certificate PDFs (issue 11 item 7): cached under --data, misses rate-limited;
	// chromium prints this server's own print page, never as root where it can help it.
	if m.pdf, err = pdf.New(m.Registry, pdf.NewChrome("", 2, m.Log), pdf.Options{Dir: filepath.Join(cfg.Data, "pdf-cache"),
		SelfURL: m.URL, Layout: version, Log: m.Log}); err != nil {
		return nil, err
	}
	w.PDFs, a.PDFs = m.pdf, m.pdf
	w.Billing, w.InvoicePDFs, a.Billing = m.Billing, m.pdf, m.Billing
	w.Proactive = d.proactive // constituents, feeds and warnings (issue 16)
	a.Proactive = &api.Proactive{Constituents: d.proactive.Constituents, Warnings: d.proactive.Warnings}
	m.certWork.printWith(m.URL, m.Log)
	w.Incidents, w.Evidence = m.Incidents, m.Evidence
	a.Incidents, a.Evidence = m.Incidents, m.Evidence
	w.Courses, w.WhiteHat, a.Courses, a.WhiteHat = d.courses, d.whitehat, d.courses, d.whitehat
	a.Inbox = w.Notices.Inbox
	m.API, m.Web = a, w
	reg := prometheus.NewRegistry()
	reg.MustRegister(jobsCollector{db: d.db})
	reg.MustRegister(pdfCollector{m.pdf})
	reg.MustRegister(opsCollector{db: d.db, outages: d.outages, now: d.db.Now}) // queues, service states, backups
	m.registerFrontMetrics(reg)
	metricsToken := cfg.MetricsToken
	if cfg.MetricsAddr != "" {
		metricsToken = "" // Security #11 item 9: then /metrics is on that listener only
	}
	handler := server.Handler(server.Options{DB: d.db, Log: m.Log, TLS: d.auth.Secure, Wrap: d.auth.Middleware, NotFound: w.NotFound, Registry: reg,
		MetricsToken: metricsToken, TrustedOrigins: trustedOrigins(cfg),
		CrossOriginDenied: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			w.Fail(rw, r, problem.New(problem.Forbidden, "error.csrf"))
		}),
		Routes: func(mux *http.ServeMux) {
			w.Routes(mux)
			a.Routes(mux)
		}, Public: publicReads(a, w)})
	if err := m.listenMetrics(reg); err != nil {
		return nil, err
	}
	return handler, nil
}

// newOIDC is single sign-on when an issuer is configured (discovery happens at the
// first login), nil otherwise.
func (m *Main) newOIDC() *identity.OIDC {
	cfg := m.Config
	if cfg.OIDCIssuer == "" {
		return nil
	}
	return identity.NewOIDC(identity.OIDCConfig{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID,
		ClientSecret: cfg.OIDCClientSecret, BaseURL: cfg.BaseURL})
}

// serve listens, starts the job runner and the HTTP server, and returns.
func (m *Main) serve(d *domain, handler http.Handler) error {
	cfg := m.Config
	var err error
	m.ln, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	m.warnDemoOffLoopback()
	m.http = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)}
	m.listenFront(handler)
	m.wg.Add(2)
	go func() {
		defer m.wg.Done()
		if err := m.Runner.Run(d.runCtx); err != nil && !errors.Is(err, context.Canceled) {
			m.Log.Error("job runner stopped", "err", err)
		}
	}()
	go func() {
		defer m.wg.Done()
		var err error
		switch {
		case cfg.TLSCert != "":
			err = m.http.ServeTLS(m.ln, cfg.TLSCert, cfg.TLSKey)
		case m.front != nil:
			err = m.http.Serve(m.front)
		default:
			err = m.http.Serve(m.ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// URL is where the server listens.
func (m *Main) URL() string {
	scheme := "http"
	if m.Config.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + m.ln.Addr().String()
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, _, err := loadConfig("serve", args, os.Getenv)
	if err != nil {
		if errors.Is(err, errHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "miz serve:", err)
		return 2
	}
	start := time.Now()
	m := &Main{Config: cfg, Out: stdout}
	restoreGC := startupGC(os.Getenv) // startup.go: no collection cycles inside the start
	err = m.Run(ctx)
	restoreGC()
	if err != nil {
		fmt.Fprintln(stderr, "miz serve:", err)
		_ = m.Close()
		return 1
	}
	printBanner(m, time.Since(start))
	<-ctx.Done()
	m.Log.Info("shutting down")
	if err := m.Close(); err != nil {
		fmt.Fprintln(stderr, "miz serve: shutdown:", err)
		return 1
	}
	return 0
}

func parseLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

func migrationProgress(log *slog.Logger) func(done, total int, name string) {
	return func(done, total int, name string) {
		if name != "" {
			log.Info("migrating", "step", fmt.Sprintf("%d/%d", done+1, total), "migration", name)
		}
	}
}

// jobsCollector exports the durable job queue's counts by kind and state.
type jobsCollector struct{ db *store.DB }

var jobsDesc = prometheus.NewDesc("miz_jobs", "Durable jobs by kind and state.", []string{"kind", "state"}, nil)

func (c jobsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- jobsDesc }

func (c jobsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	stats, err := jobs.Stats(ctx, c.db)
	if err != nil {
		return
	}
	for kind, states := range stats {
		for state, n := range states {
			ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n), kind, state)
		}
	}
}

// openDocuments opens the document store: content-addressed local disk under --data
// by default, an S3-compatible bucket when --s3-endpoint is set; uploads are scanned
// by ClamAV when --clamd-addr is set.
func openDocuments(ctx context.Context, cfg Config) (documents.Store, error) {
	var opts documents.Options
	if cfg.ClamdAddr != "" {
		opts.Scanner = documents.Clamd{Addr: cfg.ClamdAddr, Timeout: 30 * time.Second}
	}
	if cfg.S3Endpoint != "" {
		endpoint := strings.TrimPrefix(strings.TrimPrefix(cfg.S3Endpoint, "https://"), "http://")
		return documents.NewS3(ctx, documents.S3Config{Endpoint: endpoint, Bucket: cfg.S3Bucket,
			AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Secure: !strings.HasPrefix(cfg.S3Endpoint, "http://"),
			TempDir: filepath.Join(cfg.Data, "tmp")}, opts)
	}
	return documents.NewDisk(filepath.Join(cfg.Data, "documents"), opts)
}

// openTOTPKey loads the key that encrypts TOTP secrets (--totp-key, or keys/totp.key
// in --data, made on first start) and encrypts any secret still stored in plain text.
// Security #8b.
func openTOTPKey(ctx context.Context, db *store.DB, cfg Config) (*identity.TOTPKey, error) {
	var k *identity.TOTPKey
	var err error
	if cfg.TOTPKey != "" {
		k, err = identity.ParseTOTPKey(cfg.TOTPKey)
	} else {
		k, err = identity.LoadOrCreateTOTPKey(filepath.Join(keysDir(cfg), "totp.key"))
	}
	if err != nil {
		return nil, err
	}
	if err := identity.CheckTOTPKey(ctx, db, k); err != nil {
		return nil, err
	}
	if _, err := identity.SealTOTPSecrets(ctx, db, k); err != nil {
		return nil, err
	}
	return k, nil
}
