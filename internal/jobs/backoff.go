package jobs

import (
	"math/rand/v2"
	"time"
)

// Backoff bounds used by DefaultBackoff.
const (
	BackoffBase = 10 * time.Second
	BackoffMax  = time.Hour
)

// DefaultBackoff is the delay before retrying after failed attempt n (1-based):
// 10s, 20s, 40s, … doubling up to an hour, plus up to 20% random jitter so that jobs
// which failed together (a mail server outage) do not all retry in the same instant.
func DefaultBackoff(attempt int) time.Duration {
	d := BackoffMax
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 20 {
		if e := BackoffBase << (attempt - 1); e < BackoffMax {
			d = e
		}
	}
	return d + rand.N(d/5+1)
}
