package cases

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// count runs a one-column COUNT query.
func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	var n int
	if err := db.View(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// reportedIncident submits a CERT incident, claimed by the responder, with e-mail
// addresses on the responder's and the supervisor's accounts.
func reportedIncident(t *testing.T, db *store.DB, f *fixture) *Case {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		for id, mail := range map[int64]string{f.responder.ID: "responder@cert.example", f.supervisor.ID: "supervisor@cert.example"} {
			if _, err := tx.Exec(ctx, "UPDATE accounts SET email = ? WHERE id = ?", mail, id); err != nil {
				return err
			}
		}
		// The supervisor's grant is stored, as the alert finds supervisors there.
		_, err := tx.Exec(ctx, "INSERT INTO role_grants (account_id, service, role, granted_at) VALUES (?, 'cert', 'supervisor', 0) ON CONFLICT DO NOTHING", f.supervisor.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.e.Timers = JobTimers{}
	c := f.open(t, f.gov, "cert", "incident")
	if _, err := f.e.Submit(ctx, f.gov, c.TrackingCode); err != nil {
		t.Fatal(err)
	}
	if err := f.e.Claim(ctx, f.responder, c.TrackingCode); err != nil {
		t.Fatal(err)
	}
	return c
}

func stepRunner(db *store.DB, e *Engine) *jobs.Runner {
	r := jobs.NewRunner(db, nil, jobs.Options{})
	r.Handle(StepMilestoneJob, e.HandleStepMilestone(NotifyStepMilestone))
	return r
}

// TestFirstResponseTargetWarnsThenBreachesToAssigneeAndSupervisor_Issue14: a CERT
// incident left in "reported" is warned at 75% and 90% of its 30-minute first-response
// target and breaches at 30 minutes; the assignee and the supervisor get each alert
// in-app and by e-mail, and the case page and the queue show the target overrun.
func TestFirstResponseTargetWarnsThenBreachesToAssigneeAndSupervisor_Issue14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		start := f.clock.Now()
		c := reportedIncident(t, db, f)
		var runAt []int64
		err := db.View(ctx, func(tx *store.Tx) error {
			rows, err := tx.Query(ctx, "SELECT run_at FROM jobs WHERE kind = ? ORDER BY run_at", StepMilestoneJob)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var at int64
				if err := rows.Scan(&at); err != nil {
					return err
				}
				runAt = append(runAt, at)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []time.Time{start.Add(22*time.Minute + 30*time.Second), start.Add(27 * time.Minute), start.Add(30 * time.Minute)}
		if len(runAt) != len(want) {
			t.Fatalf("step jobs at %v, want %v", runAt, want)
		}
		for i := range want {
			if runAt[i] != store.Millis(want[i]) {
				t.Fatalf("step job %d at %v, want %v", i, store.FromMillis(runAt[i]), want[i])
			}
		}
		r := stepRunner(db, f.e)
		alerts := `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND link = ? AND title_en LIKE ?`
		link := "/cases/" + c.TrackingCode

		f.clock.Add(23 * time.Minute)
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{f.responder.ID, f.supervisor.ID} {
			if n := count(t, db, alerts, id, link, "Step deadline warning%"); n != 1 {
				t.Fatalf("account %d has %d warnings at 75%%, want 1", id, n)
			}
		}
		if n := count(t, db, alerts, f.responder.ID, link, "Step overdue%"); n != 0 {
			t.Fatalf("breach alert before the deadline (%d)", n)
		}
		v, err := f.e.CaseView(ctx, f.responder, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.Step == nil || v.Step.State != "reported" || v.Step.Urgency != UrgencyWarning || v.Step.RemainingSeconds != 420 ||
			!v.Step.DueAt.Equal(start.Add(30*time.Minute)) || v.Step.Budget.Amount != 30 {
			t.Fatalf("case view step %+v, want 7 minutes left of 30, warning", v.Step)
		}

		f.clock.Add(8 * time.Minute) // 31 minutes unanswered
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{f.responder.ID, f.supervisor.ID} {
			if n := count(t, db, alerts, id, link, "Step overdue%"); n != 1 {
				t.Fatalf("account %d has %d breach alerts, want 1", id, n)
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.step_breach' AND object_id = ?`, c.TrackingCode); n != 1 {
			t.Fatalf("%d step breaches audited, want 1", n)
		}
		for _, to := range []string{"responder@cert.example", "supervisor@cert.example"} {
			if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE recipient = ? AND ref_id = ? AND subject LIKE ?`,
				to, c.TrackingCode, "%Step overdue%"); n != 1 {
				t.Fatalf("%s got %d breach e-mails, want 1", to, n)
			}
		}
		q, err := f.e.Queue(ctx, f.supervisor, QueueFilter{Service: "cert"})
		if err != nil {
			t.Fatal(err)
		}
		if len(q) != 1 || q[0].Step == nil || q[0].Step.Urgency != UrgencyBreached || q[0].Step.RemainingSeconds != -60 {
			t.Fatalf("queue %+v, want the incident one minute past its step target", q)
		}
	})
}

// TestMovingOnInTimeCancelsTheStepTimers_Issue14: a responder who takes the incident
// within its 30 minutes removes the step's pending jobs; nobody is alerted later.
func TestMovingOnInTimeCancelsTheStepTimers_Issue14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := reportedIncident(t, db, f)
		pending := `SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = 'queued'`
		if n := count(t, db, pending, StepMilestoneJob); n != 3 {
			t.Fatalf("%d step jobs queued, want 3", n)
		}
		f.clock.Add(10 * time.Minute)
		f.move(t, f.responder, c.TrackingCode, "take", "", "")
		if n := count(t, db, pending, StepMilestoneJob); n != 0 {
			t.Fatalf("%d step jobs left after the first response, want 0", n)
		}
		f.clock.Add(time.Hour)
		if _, err := stepRunner(db, f.e).RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM notifications WHERE link = ? AND title_en LIKE 'Step%'`, "/cases/"+c.TrackingCode); n != 0 {
			t.Fatalf("%d step alerts after a timely response", n)
		}
		v, err := f.e.CaseView(ctx, f.responder, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if v.Step != nil {
			t.Fatalf("handling has no target of its own, got %+v", v.Step)
		}
	})
}

// TestStaleStepJobDoesNothing_Issue14: a step job that runs after its visit ended
// (e.g. claimed by another instance just before the cancel) alerts nobody.
func TestStaleStepJobDoesNothing_Issue14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := reportedIncident(t, db, f)
		f.e.Timers = nil // the transition leaves the queued jobs in place
		f.move(t, f.responder, c.TrackingCode, "take", "", "")
		f.clock.Add(time.Hour)
		if n, err := stepRunner(db, f.e).RunDue(ctx); err != nil || n != 3 {
			t.Fatalf("ran %d jobs (%v), want the 3 stale ones", n, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'case.step_%'`); n != 0 {
			t.Fatalf("%d step milestones recorded for a case that moved on", n)
		}
	})
}
