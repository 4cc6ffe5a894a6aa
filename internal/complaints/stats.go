package complaints

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/itoir/miz/internal/store"
)

// Figures are a service's complaint KPIs over a period (C-4.5): counts and timings
// only, never the text of a dispute or complaint (D-1), so they may be public.
type Figures struct {
	Service  string
	From, To time.Time
	// Disputes counts negotiations opened; Settled and Escalated how they ended.
	Disputes, Settled, Escalated int
	// Complaints counts complaints filed, by type (escalation, conduct, service).
	Complaints int
	ByType     map[string]int
	// Decided counts announced decisions, by outcome (upheld, partly_upheld, rejected).
	Decided   int
	ByOutcome map[string]int
	// MedianTimeToDecision is the median wall-clock time from filing to the
	// announced decision; zero when none was decided.
	MedianTimeToDecision time.Duration
	// UpheldRate is the share of decided complaints upheld in full or in part, 0..1.
	UpheldRate float64
	// Overdue counts decisions announced after their deadline.
	Overdue int
}

// Stats computes the complaint figures of service ("" for every service) for the
// complaints and disputes filed in [from, to); a zero to means up to now.
func Stats(ctx context.Context, db *store.DB, service string, from, to time.Time) (Figures, error) {
	f := Figures{Service: service, From: from, To: to, ByType: map[string]int{}, ByOutcome: map[string]int{}}
	hi := int64(1<<62 - 1)
	if !to.IsZero() {
		hi = store.Millis(to)
	}
	lo := store.Millis(from)
	err := db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT type, outcome, filed_at, decided_at, due_at FROM complaints
			WHERE (? = '' OR service = ?) AND filed_at >= ? AND filed_at < ?`, service, service, lo, hi)
		if err != nil {
			return err
		}
		defer rows.Close()
		var times []time.Duration
		for rows.Next() {
			var typ, outcome string
			var filed, decided, due int64
			if err := rows.Scan(&typ, &outcome, &filed, &decided, &due); err != nil {
				return err
			}
			f.Complaints++
			f.ByType[typ]++
			if decided == 0 {
				continue
			}
			f.Decided++
			f.ByOutcome[outcome]++
			times = append(times, time.Duration(decided-filed)*time.Millisecond)
			if due != 0 && decided > due {
				f.Overdue++
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		f.MedianTimeToDecision = median(times)
		if f.Decided > 0 {
			f.UpheldRate = float64(f.ByOutcome[OutcomeUpheld]+f.ByOutcome[OutcomePartlyUpheld]) / float64(f.Decided)
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = 'settled' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN state = 'escalated' THEN 1 ELSE 0 END), 0) FROM disputes
			WHERE (? = '' OR service = ?) AND opened_at >= ? AND opened_at < ?`, service, service, lo, hi).
			Scan(&f.Disputes, &f.Settled, &f.Escalated)
	})
	if err != nil {
		return Figures{}, fmt.Errorf("complaints: stats of %q: %w", service, err)
	}
	return f, nil
}

// median returns the middle of ds (the mean of the two middles for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// Stats are the desk's published figures on disputes and complaints (see the
// function Stats).
func (s *Service) Stats(ctx context.Context, service string, from, to time.Time) (Figures, error) {
	return Stats(ctx, s.DB, service, from, to)
}
