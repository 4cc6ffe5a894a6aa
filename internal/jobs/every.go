package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Every makes the runner keep one job of kind per interval: each poll enqueues a job for
// the current slot (the interval-aligned period containing now) under a unique key that
// names the slot, so with several instances the slot's job exists, and runs, once. A
// slot missed while every instance was down is not caught up; the next slot runs. The
// kind still needs a handler registered with Handle.
func (r *Runner) Every(kind string, interval time.Duration) {
	if interval <= 0 {
		panic("jobs: Every: interval must be positive")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.periodic[kind] = interval
}

func (r *Runner) ensurePeriodic(ctx context.Context) error {
	now := r.opt.Now()
	// Only slots this runner has not yet ensured cost a write.
	r.mu.Lock()
	slots := map[string]time.Time{}
	for kind, interval := range r.periodic {
		if slot := now.Truncate(interval); !r.ensured[kind].Equal(slot) {
			slots[kind] = slot
		}
	}
	r.mu.Unlock()
	if len(slots) == 0 {
		return nil
	}
	err := r.db.Update(ctx, func(tx *store.Tx) error {
		for kind, slot := range slots {
			key := fmt.Sprintf("every:%s:%d", kind, store.Millis(slot))
			_, err := Enqueue(ctx, tx, kind, nil, At(slot), Unique(key), MaxAttempts(3),
				func(o *enqueueOptions) { o.keepFinished = true })
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for kind, slot := range slots {
		r.ensured[kind] = slot
	}
	return nil
}
