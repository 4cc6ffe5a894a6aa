package cases

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// BenchmarkQueueFirstPage measures the staff queue's first page (deadline order,
// questions first) over MIZ_BENCH_QUEUE_CASES cases (default 1,000,000) in PostgreSQL.
// The same query runs with the queue index and, as the baseline in the same run,
// without it. The cases are generated in the database with generate_series.
func BenchmarkQueueFirstPage(b *testing.B) {
	if os.Getenv(storetest.PostgresURLEnv) == "" {
		b.Skip("SKIPPED: set MIZ_TEST_POSTGRES_URL (the queue benchmark runs on PostgreSQL)")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("MIZ_BENCH_QUEUE_CASES")); err == nil && v > 0 {
		n = v
	}
	db := storetest.OpenPostgres(b)
	ctx := context.Background()
	var acct int64
	err := db.Update(ctx, func(tx *store.Tx) error {
		var err error
		acct, err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "bench", Kind: identity.KindPerson})
		if err != nil {
			return err
		}
		// Three services, most cases closed or with the applicant, a few with a
		// waiting question: roughly the shape of a desk after some years.
		_, err = tx.Exec(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_type, created_at, submitted_at, closed_at, due_at, question_due_at)
			SELECT 'B' || g, (ARRAY['certify','cert','other'])[1 + g % 3], 1, 'application',
				CASE WHEN g % 10 < 7 THEN 'issued' WHEN g % 10 < 9 THEN 'technical_review' ELSE 'incomplete' END,
				CASE WHEN g % 10 < 7 THEN 'none' WHEN g % 10 < 9 THEN 'organization' ELSE 'applicant' END,
				?, 'org', 1700000000000 + g, 1700000000000 + g,
				CASE WHEN g % 10 < 7 THEN 1700000100000 + g ELSE 0 END,
				1800000000000 + (g * 7919) % 100000000,
				CASE WHEN g % 997 = 0 THEN 1800000000000 + g ELSE 0 END
			FROM generate_series(1::bigint, ?) AS g`, acct, n)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, "ANALYZE cases"); return err }); err != nil {
		b.Fatal(err)
	}
	e := &Engine{DB: db}
	p := &identity.Principal{Account: identity.Account{ID: 1, Kind: identity.KindStaff},
		Grants: map[string][]identity.Role{"certify": {identity.Expert}}}
	run := func(b *testing.B) {
		var lat []time.Duration
		for b.Loop() {
			t0 := time.Now()
			items, err := e.Queue(ctx, p, QueueFilter{Service: "certify", Limit: 50})
			if err != nil || len(items) != 50 {
				b.Fatalf("queue: %d items, %v", len(items), err)
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds())/1000, "p99-ms")
		explainQueue(b, db)
	}
	b.Run("with-index", run)
	if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, "DROP INDEX cases_queue_order"); return err }); err != nil {
		b.Fatal(err)
	}
	b.Run("baseline-without-queue-index", run)
}

// explainQueue prints the plan of the queue's first page (MIZ_BENCH_EXPLAIN=1), so
// the run shows the index in use and, after DROP INDEX, the sort it replaces.
func explainQueue(b *testing.B, db *store.DB) {
	if os.Getenv("MIZ_BENCH_EXPLAIN") == "" {
		return
	}
	ctx := context.Background()
	_ = db.View(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `EXPLAIN (ANALYZE, COSTS OFF, BUFFERS) SELECT `+caseColumns+` FROM cases
			WHERE service = ? AND holder = ? AND submitted_at > 0
			ORDER BY CASE WHEN question_due_at = 0 THEN 1 ELSE 0 END, question_due_at,
			CASE WHEN due_at = 0 THEN 1 ELSE 0 END, due_at, id LIMIT 50 OFFSET 0`, "certify", "organization")
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				b.Fatal(err)
			}
			plan = append(plan, line)
		}
		os.Stderr.WriteString(b.Name() + "\n" + strings.Join(plan, "\n") + "\n")
		return rows.Err()
	})
}
