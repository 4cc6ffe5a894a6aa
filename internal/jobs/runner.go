package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Handler runs one job. A nil error marks it done; an error schedules a retry (or marks
// it dead after the last attempt, or at once when the error is Permanent).
type Handler func(ctx context.Context, j Job) error

// Options configure a Runner; zero fields take the defaults noted.
type Options struct {
	Workers    int                             // concurrent handlers (default 4)
	Poll       time.Duration                   // how often to look for due jobs (default 1s)
	Lease      time.Duration                   // how long a claim lasts; also each handler's deadline (default 5m)
	Now        func() time.Time                // clock for due times and leases (default db.Now)
	InstanceID string                          // names this instance in locked_by (default host-random)
	Backoff    func(attempt int) time.Duration // delay before retry n (default DefaultBackoff)
}

// Runner claims due jobs from the database and runs their handlers. Several runners,
// in one process or many, may share one database.
type Runner struct {
	db       *store.DB
	log      *slog.Logger
	opt      Options
	wake     chan struct{}
	mu       sync.Mutex
	handlers map[string]Handler
	periodic map[string]time.Duration
	ensured  map[string]time.Time // the last slot enqueued per periodic kind
}

// NewRunner returns a runner for db; register handlers with Handle before Run.
func NewRunner(db *store.DB, log *slog.Logger, opt Options) *Runner {
	if opt.Workers <= 0 {
		opt.Workers = 4
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	if opt.Lease <= 0 {
		opt.Lease = 5 * time.Minute
	}
	if opt.Now == nil {
		opt.Now = func() time.Time { return db.Now() }
	}
	if opt.InstanceID == "" {
		opt.InstanceID = defaultInstanceID()
	}
	if opt.Backoff == nil {
		opt.Backoff = DefaultBackoff
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{db: db, log: log, opt: opt, wake: make(chan struct{}, 1),
		handlers: map[string]Handler{}, periodic: map[string]time.Duration{}, ensured: map[string]time.Time{}}
}

func defaultInstanceID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + hex.EncodeToString(b[:])
}

// InstanceID returns the name this runner writes into locked_by.
func (r *Runner) InstanceID() string { return r.opt.InstanceID }

// Handle registers h for jobs of kind. Only kinds with a handler are claimed, so an
// instance never takes work it cannot do.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
}

// Notify wakes Run so that it looks for due jobs now; it never blocks.
func (r *Runner) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *Runner) kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ks := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (r *Runner) handler(kind string) Handler {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.handlers[kind]
}

// Run claims and runs due jobs until ctx is cancelled. Then it stops claiming, waits for
// the handlers in flight to finish (they are not cancelled, but their deadline is the
// lease), records their outcomes, and returns nil.
//
// The loop alone writes: each turn records the outcomes of the runs that finished
// since the last one and claims due jobs for the free workers, in one transaction
// (settle). Under load a turn carries several outcomes and claims, so a job costs the
// database less than one write call, where a claim and a record of its own cost two
// (issue 18).
func (r *Runner) Run(ctx context.Context) error {
	ticker := time.NewTicker(r.opt.Poll)
	defer ticker.Stop()
	base := context.WithoutCancel(ctx)
	results := make(chan outcome, r.opt.Workers)
	busy := 0          // handlers running
	var done []outcome // finished runs whose outcomes are not yet recorded
	down := false      // the database is unreachable: say so once, not at every poll
	report := func(what string, err error) {
		switch {
		case err == nil && what == "jobs: periodic": // may not have asked the database
		case err == nil:
			if down {
				r.log.Info("jobs: database reachable again")
			}
			down = false
		case ctx.Err() != nil:
		case errors.Is(err, store.ErrUnavailable):
			if !down {
				r.log.Warn("jobs: database unavailable; polling until it returns", "err", err)
			}
			down = true
		default:
			r.log.Warn(what, "err", err)
		}
	}
	for {
		stopping := ctx.Err() != nil
		free := 0
		if !stopping {
			report("jobs: periodic", r.ensurePeriodic(ctx))
			free = r.opt.Workers - busy
		}
		// Outcomes are recorded even while stopping (base is not cancelled).
		claimed, err := r.settle(base, done, free)
		report("jobs: claim", err)
		done = nil
		for _, j := range claimed {
			busy++
			go func() { results <- r.runJob(base, j) }()
		}
		if stopping && busy == 0 {
			return nil
		}
		if free > 0 && len(claimed) == free {
			continue // there may be more due right now
		}
		var cancelled <-chan struct{}
		if !stopping {
			cancelled = ctx.Done()
		}
		select {
		case <-cancelled:
		case o := <-results:
			busy--
			done = append(done, o)
		case <-ticker.C:
		case <-r.wake:
		}
		// Take every run that has finished meanwhile into the same turn.
		for more := true; more; {
			select {
			case o := <-results:
				busy--
				done = append(done, o)
			default:
				more = false
			}
		}
	}
}

// RunDue runs every job that is due now (including periodic ones and jobs that the
// handlers enqueue as due now), one at a time, and returns how many handlers ran. A job
// that fails is rescheduled in the future, so RunDue always ends.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	if err := r.ensurePeriodic(ctx); err != nil {
		return 0, err
	}
	n := 0
	for {
		claimed, err := r.claim(ctx, r.opt.Workers)
		if err != nil {
			return n, err
		}
		if len(claimed) == 0 {
			return n, nil
		}
		for _, j := range claimed {
			r.execute(ctx, j)
			n++
		}
	}
}

// execute runs one claimed job and records its outcome at once.
func (r *Runner) execute(ctx context.Context, j Job) {
	o := r.runJob(ctx, j)
	if err := r.record(context.WithoutCancel(ctx), o); err != nil {
		r.log.Error("jobs: record outcome", "kind", j.Kind, "id", j.ID, "err", err)
	}
}

// runJob runs one claimed job's handler and returns its outcome, not yet recorded.
func (r *Runner) runJob(ctx context.Context, j Job) outcome {
	h := r.handler(j.Kind)
	var err error
	writes := &outcomeWrites{}
	switch {
	case h == nil:
		err = Permanent(fmt.Errorf("no handler for kind %q", j.Kind))
	case j.Attempt > j.MaxAttempts:
		// Claimed again after its lease expired on the last attempt.
		err = Permanent(errors.New("attempts exhausted (lease expired while running)"))
	default:
		err = r.call(context.WithValue(ctx, outcomeKey{}, writes), h, j)
	}
	return r.finish(j, err, writes.take())
}

func (r *Runner) call(ctx context.Context, h Handler, j Job) (err error) {
	hctx, cancel := context.WithTimeout(ctx, r.opt.Lease)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(hctx, j)
}
