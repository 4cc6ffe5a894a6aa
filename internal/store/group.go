package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// ErrClosed is returned by Update once the DB has been closed.
var ErrClosed = errors.New("store: database closed")

// maxBatch bounds how many Update calls share one SQLite transaction.
const maxBatch = 64

// writer is SQLite's one writer: a goroutine that owns the single write connection and
// runs the Update calls queued to it in batches, each batch in one transaction with a
// savepoint per call (group commit). A batch costs one BEGIN, one COMMIT and one WAL
// sync however many calls it carries, and forms by itself under load: the calls that
// arrive while one batch commits make up the next. Each caller is answered only after
// the COMMIT that carries its writes has returned.
//
// A call whose function fails is rolled back to its savepoint alone; the others in the
// batch commit. If SQLite abandons the whole transaction (an I/O error, an interrupt,
// a failed COMMIT), every call of the batch is run again in a transaction of its own,
// so that one call's failure is never reported to, or lost by, another.
type writer struct {
	db   *DB
	conn *cachedConn
	reqs chan *writeReq
	done chan struct{} // closed when the loop has stopped

	mu     sync.RWMutex // held for reading while sending on reqs; Close takes it to close reqs
	closed bool

	commits, calls atomic.Int64 // transactions committed, and Update calls they carried

	kick     chan struct{} // asks checkpointLoop for a checkpoint; closed by close
	stopCkpt sync.Once
	ckptDone chan struct{} // closed when checkpointLoop has stopped
}

// GroupCommitStats reports, for SQLite's writer, how many transactions it has
// committed and how many Update calls they carried (both 0 on PostgreSQL); their ratio
// is the mean batch size.
func (db *DB) GroupCommitStats() (commits, calls int64) {
	if db.w == nil {
		return 0, 0
	}
	return db.w.commits.Load(), db.w.calls.Load()
}

type writeReq struct {
	ctx context.Context
	fn  func(*Tx) error
	// excl, when set, runs alone outside any transaction (migrations).
	excl func(context.Context, *sql.Conn) error

	err      error
	after    []func()
	panicked any
	finished chan struct{}
}

func startWriter(ctx context.Context, db *DB, pool *sql.DB) (*writer, error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	// Each call of a batch runs under a savepoint, so SQLite copies every page a call
	// changes that an earlier call of the batch had changed to the statement journal
	// first. By default that journal spills to a temporary file past 64 KiB, and its
	// writes were a tenth of the intake profile (issue 18). It only serves ROLLBACK TO
	// within the open transaction and is never read after a crash (the WAL is), so
	// keeping it in memory changes nothing of durability: the WAL is still synced at
	// every COMMIT (synchronous=FULL).
	if _, err := conn.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: writer temp_store: %w", err)
	}
	// The WAL is copied back into the database by checkpointLoop on a reader
	// connection, off the writer's path; the writer's own automatic checkpoint stays
	// as a backstop, at ten times SQLite's default, should that loop fall behind.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA wal_autocheckpoint = %d", backstopPages)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: writer wal_autocheckpoint: %w", err)
	}
	cc := newCachedConn(conn)
	cc.detached = true
	w := &writer{db: db, conn: cc, reqs: make(chan *writeReq, 4*maxBatch), done: make(chan struct{}),
		kick: make(chan struct{}, 1), ckptDone: make(chan struct{})}
	go w.loop()
	go w.checkpointLoop()
	return w, nil
}

// do queues r and waits for its answer. Once queued, a call is always waited for: its
// writes may be committing, and the caller must not be told otherwise.
func (w *writer) do(ctx context.Context, r *writeReq) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.ctx, r.finished = ctx, make(chan struct{})
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.reqs <- r:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	<-r.finished
	if r.panicked != nil {
		panic(r.panicked)
	}
	if r.err != nil {
		return r.err
	}
	for _, f := range r.after {
		f()
	}
	return nil
}

// close stops the loop after the calls already queued and releases the connection.
func (w *writer) close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.reqs)
	}
	w.mu.Unlock()
	<-w.done
	w.stopCkpt.Do(func() { close(w.kick) }) // after the loop: nothing sends on kick any more
	<-w.ckptDone
	return w.conn.close()
}

func (w *writer) loop() {
	defer close(w.done)
	batch := make([]*writeReq, 0, maxBatch)
	for r := range w.reqs {
		if r.excl != nil {
			w.runExclusive(r)
			continue
		}
		batch = append(batch[:0], r)
	fill:
		for len(batch) < maxBatch {
			select {
			case next, ok := <-w.reqs:
				if !ok {
					break fill
				}
				if next.excl != nil {
					w.run(batch)
					batch = batch[:0]
					w.runExclusive(next)
					continue
				}
				batch = append(batch, next)
			default:
				break fill
			}
		}
		if len(batch) > 0 {
			w.run(batch)
		}
	}
}

func (w *writer) runExclusive(r *writeReq) {
	r.err = r.excl(r.ctx, w.conn.conn)
	close(r.finished)
}

// run executes one batch in one transaction.
func (w *writer) run(batch []*writeReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			close(r.finished)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		w.runOne(live[0])
		return
	}
	bg := context.Background()
	if _, err := w.conn.ExecContext(bg, "BEGIN IMMEDIATE"); err != nil {
		for _, r := range live {
			r.err = classify(fmt.Errorf("store: begin: %w", err))
			close(r.finished)
		}
		return
	}
	txs := make([]*Tx, len(live))
	abandoned := false
	for i, r := range live {
		if _, err := w.conn.ExecContext(bg, "SAVEPOINT call"); err != nil {
			abandoned = true
			break
		}
		tx := &Tx{q: w.conn, Dialect: SQLite, Now: w.db.Now().UTC()}
		err := call(r, tx)
		if err == nil {
			if _, err := w.conn.ExecContext(bg, "RELEASE call"); err != nil {
				abandoned = true
				break
			}
			txs[i] = tx
			continue
		}
		r.err = classify(err)
		// ROLLBACK TO keeps the transaction (and the savepoint) open: release it too.
		if _, err := w.conn.ExecContext(bg, "ROLLBACK TO call"); err != nil {
			abandoned = true
			break
		}
		if _, err := w.conn.ExecContext(bg, "RELEASE call"); err != nil {
			abandoned = true
			break
		}
	}
	if !abandoned {
		if _, err := w.conn.ExecContext(bg, "COMMIT"); err != nil {
			abandoned = true
		}
	}
	if abandoned {
		_, _ = w.conn.ExecContext(bg, "ROLLBACK") // may already be rolled back
		for _, r := range live {
			if r.panicked != nil {
				close(r.finished)
				continue
			}
			r.err = nil
			w.runOne(r)
		}
		return
	}
	w.committed()
	for i, r := range live {
		if txs[i] != nil {
			w.calls.Add(1)
			r.after = txs[i].after
		}
		close(r.finished)
	}
}

// runOne runs r in a transaction of its own.
func (w *writer) runOne(r *writeReq) {
	defer close(r.finished)
	bg := context.Background()
	if _, err := w.conn.ExecContext(bg, "BEGIN IMMEDIATE"); err != nil {
		r.err = classify(fmt.Errorf("store: begin: %w", err))
		return
	}
	tx := &Tx{q: w.conn, Dialect: SQLite, Now: w.db.Now().UTC()}
	if err := call(r, tx); err != nil {
		_, _ = w.conn.ExecContext(bg, "ROLLBACK")
		r.err = classify(err)
		return
	}
	if _, err := w.conn.ExecContext(bg, "COMMIT"); err != nil {
		_, _ = w.conn.ExecContext(bg, "ROLLBACK")
		r.err = classify(fmt.Errorf("store: commit: %w", err))
		return
	}
	w.committed()
	w.calls.Add(1)
	r.after = tx.after
}

// call runs r's function, turning a panic into an error here and a panic again in the
// caller's goroutine (do re-panics with the value).
func call(r *writeReq, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.panicked = p
			err = fmt.Errorf("store: panic in transaction: %v", p)
		}
	}()
	return r.fn(tx)
}
