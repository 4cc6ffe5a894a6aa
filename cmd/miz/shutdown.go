package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Close is the graceful stop on SIGTERM: the listeners stop accepting, requests in
// flight finish, the job runner stops claiming and the jobs it is running finish, and
// the database is closed — all within Config.ShutdownGrace (15s by default). What is
// still running when the grace period ends is abandoned: an unanswered request was
// never acknowledged, and a job's lease expires so that another instance (or this one,
// restarted) runs it again; nothing acknowledged is lost.
func (m *Main) Close() error {
	grace := m.Config.ShutdownGrace
	if grace <= 0 {
		grace = 15 * time.Second
	}
	deadline := time.Now().Add(grace)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	if m.http != nil {
		if err := m.http.Shutdown(ctx); err != nil {
			m.closeErr = errors.Join(m.closeErr, err)
			_ = m.http.Close() // cut what did not finish in time
		}
	}
	if m.front != nil {
		_ = m.front.Close() // Shutdown closed it already; a failed Serve did not
		if err := m.front.Wait(ctx); err != nil {
			m.closeErr = errors.Join(m.closeErr, fmt.Errorf("shutdown: public reads: %w", err))
		}
	}
	if m.metrics != nil {
		m.closeErr = errors.Join(m.closeErr, m.metrics.Close())
	}
	if m.pdf != nil {
		m.closeErr = errors.Join(m.closeErr, m.pdf.Close())
	}
	m.closeErr = errors.Join(m.closeErr, m.certWork.close())
	if m.cancel != nil {
		m.cancel()
	}
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		if m.Log != nil {
			m.Log.Warn("shutdown: jobs still running at the end of the grace period; their leases will expire and they will run again",
				"grace", grace.String())
		}
		m.closeErr = errors.Join(m.closeErr, errors.New("shutdown: grace period ended with jobs still running"))
		return m.closeErr // the database stays open under them; the process is about to exit
	}
	if m.DB != nil {
		m.closeErr = errors.Join(m.closeErr, m.DB.Close())
	}
	return m.closeErr
}
