package complaints

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// runner runs the desk's deadline jobs on the fixture's clock.
func (f *fixture) runner(t *testing.T) func() {
	t.Helper()
	r := jobs.NewRunner(f.db, nil, jobs.Options{})
	f.d.RegisterJobs(r)
	return func() {
		t.Helper()
		if _, err := r.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestNegotiationAnswerOverdueIsADurableJob_S7: opening a negotiation schedules a job
// at the catalog's answer deadline; if the unit has not answered by then the
// supervisors are told (in-app and e-mail) and the audit log says so; an answered
// negotiation's job does nothing (SLA-CLOCK rules 7, 10).
func TestNegotiationAnswerOverdueIsADurableJob_S7(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		run := f.runner(t)
		silent, err := f.d.OpenDispute(ctx, f.applicant, f.code, DisputeInput{Subject: SubjectDelay, Body: "پاسخی نیامد"})
		if err != nil {
			t.Fatal(err)
		}
		answered, err := f.d.OpenDispute(ctx, f.applicant, f.code, DisputeInput{Subject: SubjectConduct, Body: "رفتار نامناسب"})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM jobs WHERE kind = ? AND run_at = ?", DisputeDueJob, store.Millis(silent.DueAt)); n != 2 {
			t.Fatalf("%d deadline jobs at %v, want one per negotiation", n, silent.DueAt)
		}
		if err := f.d.PostDisputeMessage(ctx, f.supervisor, answered.ID, "در حال بررسی"); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(silent.DueAt.Sub(f.clock.Now()) - time.Minute)
		run()
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'dispute.overdue'"); n != 0 {
			t.Fatalf("%d overdue entries before the deadline", n)
		}
		f.clock.Add(2 * time.Minute)
		run()
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'dispute.overdue' AND object_id = ?", silent.TrackingCode); n != 1 {
			t.Fatalf("%d overdue entries for the silent negotiation, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'dispute.overdue'"); n != 1 {
			t.Fatalf("%d overdue entries in all, want only the silent negotiation's", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND title_en LIKE ?", f.supervisor.ID, "%"+silent.TrackingCode+" is overdue%"); n != 1 {
			t.Fatalf("%d in-app notices of the overdue negotiation to the supervisor, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM outbox WHERE recipient = 'supervisor@ito.example' AND subject LIKE ?", "%"+silent.TrackingCode+" is overdue%"); n != 1 {
			t.Fatalf("%d e-mails of the overdue negotiation to the supervisor, want 1", n)
		}
	})
}

// TestComplaintDeadlinePausesWithApplicant_C45: filing schedules the decision deadline;
// a request for information to the applicant pauses the clock, so the first job goes
// stale; the answer resumes it and schedules a later deadline, moved by the paused
// time, at which the supervisors are told (SLA-CLOCK rules 1, 7, 10).
func TestComplaintDeadlinePausesWithApplicant_C45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		run := f.runner(t)
		k := escalated(t, f)
		first := k.DueAt
		if n := count(t, db, "SELECT COUNT(*) FROM jobs WHERE kind = ? AND run_at = ?", ComplaintDueJob, store.Millis(first)); n != 1 {
			t.Fatalf("%d decision deadline jobs at %v, want 1", n, first)
		}
		f.clock.Add(24 * time.Hour) // Sunday 09:00, one business day used
		if err := f.d.RequestInformation(ctx, f.member1, k.ID, PartyApplicant, "مدارک مکاتبه را بفرستید"); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(first.Sub(f.clock.Now()) + time.Hour) // past the first deadline, still paused
		run()
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.overdue'"); n != 0 {
			t.Fatalf("%d overdue entries while the complaint waited for the applicant", n)
		}
		if err := f.d.AnswerInformation(ctx, f.applicant, k.ID, "پیوست شد"); err != nil {
			t.Fatal(err)
		}
		v, err := f.d.Get(ctx, f.member1, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !v.DueAt.After(first) || v.DueAt.Sub(f.clock.Now()) < 7*24*time.Hour {
			t.Fatalf("deadline after resuming %v (first %v, now %v): want it moved by the pause", v.DueAt, first, f.clock.Now())
		}
		if n := count(t, db, "SELECT COUNT(*) FROM jobs WHERE kind = ? AND run_at = ?", ComplaintDueJob, store.Millis(v.DueAt)); n != 1 {
			t.Fatalf("%d jobs at the new deadline %v, want 1", n, v.DueAt)
		}
		f.clock.Add(v.DueAt.Sub(f.clock.Now()) + time.Minute)
		run()
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.overdue' AND object_id = ?", k.TrackingCode); n != 1 {
			t.Fatalf("%d overdue entries, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM outbox WHERE recipient = 'supervisor@ito.example' AND subject LIKE ?", "%"+k.TrackingCode+" is overdue%"); n != 1 {
			t.Fatalf("%d e-mails of the overdue decision to the supervisor, want 1", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND title_en LIKE ?", f.supervisor.ID, "%"+k.TrackingCode+" is overdue%"); n != 1 {
			t.Fatalf("%d in-app notices of the overdue decision to the supervisor, want 1", n)
		}
	})
}
