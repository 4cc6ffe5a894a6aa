package store

import (
	"context"
	"time"
)

// SQLite copies the WAL back into the database file (a checkpoint) by itself once the
// WAL holds wal_autocheckpoint pages, at the end of the COMMIT that crossed the line,
// on the committing connection. With one writer that meant every caller of the batch,
// and every caller queued behind it, waited for the copy and its two fsyncs: 8 % of
// the writer's time in the intake profile (issue 18). The writer now asks for a
// checkpoint every checkpointEvery commits and checkpointLoop runs it on a reader
// connection, PASSIVE, so that it never waits for or blocks the writer.
//
// Durability is unchanged: every COMMIT still syncs the WAL itself (synchronous=FULL),
// and a checkpoint only copies what is already synced; with synchronous=NORMAL on the
// reader connection SQLite still syncs the WAL before and the database file after the
// copy, as the writer's own checkpoint did. query_only does not forbid checkpoints.
const (
	// checkpointEvery commits (about 35 pages each in the intake) between checkpoints,
	// close to SQLite's default of 1,000 pages.
	checkpointEvery = 32
	// backstopPages is the writer's own automatic checkpoint, should the loop fall
	// behind (a reader connection unavailable, a long snapshot).
	backstopPages = 10000
)

// committed counts a commit and, every checkpointEvery, asks for a checkpoint.
func (w *writer) committed() {
	if w.commits.Add(1)%checkpointEvery != 0 {
		return
	}
	select {
	case w.kick <- struct{}{}:
	default: // one is pending or running
	}
}

// checkpointLoop runs a PASSIVE checkpoint each time it is asked, until close.
func (w *writer) checkpointLoop() {
	defer close(w.ckptDone)
	for range w.kick {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_ = w.checkpoint(ctx) // a failure leaves the WAL to the next one or the backstop
		cancel()
	}
}

// checkpoint copies as much of the WAL as no reader still needs into the database.
func (w *writer) checkpoint(ctx context.Context) error {
	conn, err := w.db.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var busy, logFrames, done int
	return conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done)
}
