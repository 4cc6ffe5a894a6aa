package course

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// SLA M-4.2: a course for the staff of government agencies takes an agency's
// employee and refuses anyone else with a reason they can read.
func TestAgencyCourseTakesAgencyStaffAndSaysWhyOthersAreRefused_M42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.openCourse(t, CourseInput{Audience: GovernmentStaff}, 1)
		employee := f.person(t, "employee", f.agency)
		outsider := f.person(t, "outsider", f.company)
		if e, err := f.s.Enrol(ctx, employee, c.ID); err != nil || e.State != Enrolled {
			t.Fatalf("agency employee: %+v, %v", e, err)
		}
		_, err := f.s.Enrol(ctx, outsider, c.ID)
		pe := problem.As(err)
		if pe.Key != "course.refused.government_staff" || pe.Code != problem.Forbidden {
			t.Fatalf("outsider refused with %v", err)
		}
		if msg := i18n.T(i18n.Fa, pe.Key); msg == pe.Key || !i18n.Has(pe.Key) {
			t.Fatalf("reason not localized: %q", msg)
		}
		if err := f.s.Eligibility(ctx, outsider, c.ID); problem.As(err).Key != pe.Key {
			t.Fatalf("eligibility answers differently from enrolment: %v", err)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM course_enrolments WHERE course_id = ?", c.ID); n != 1 {
			t.Fatalf("%d enrolments, want the employee's only", n)
		}
		if _, err := f.s.Enrol(ctx, employee, c.ID); problem.As(err).Key != "course.refused.already" {
			t.Fatalf("second enrolment: %v", err)
		}
		if _, err := f.s.Enrol(ctx, f.manager, c.ID); problem.As(err).Key != "course.refused.person_only" {
			t.Fatalf("staff account enrolled: %v", err)
		}
	})
}

// SLA M-4.2: prerequisites are completed courses, i.e. certificates of attendance held.
func TestPrerequisiteIsACompletedCourse_M42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		basics := f.openCourse(t, CourseInput{}, 1)
		advanced := f.openCourse(t, CourseInput{Title: Text{FA: "تحلیل بدافزار"}, Prerequisites: []int64{basics.ID}}, 2, 30)
		p := f.person(t, "learner", 0)
		_, err := f.s.Enrol(ctx, p, advanced.ID)
		if pe := problem.As(err); pe.Key != "course.refused.prerequisite" || len(pe.Args) != 1 || pe.Args[0] != basics.Title.FA {
			t.Fatalf("without the prerequisite: %v", err)
		}
		e, err := f.s.Enrol(ctx, p, basics.ID)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(basics.Sessions[0].Starts.Add(time.Hour))
		if err := f.s.RecordAttendance(ctx, f.trainer, basics.ID, basics.Sessions[0].ID, []int64{e.ID}); err != nil {
			t.Fatal(err)
		}
		if got, err := f.s.IssueCertificates(ctx, f.trainer, basics.ID); err != nil || len(got) != 1 {
			t.Fatalf("certificates: %v, %v", got, err)
		}
		if e, err := f.s.Enrol(ctx, p, advanced.ID); err != nil || e.State != Enrolled {
			t.Fatalf("with the prerequisite: %+v, %v", e, err)
		}
	})
}

// SLA M-4.2: when an enrolled person cancels, the first on the waitlist takes the
// seat in the same transaction and is told; the rest move up.
func TestWaitlistMovesUpInTheCancellingTransaction_M42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.openCourse(t, CourseInput{Capacity: 1}, 1)
		a, b, d := f.person(t, "first", 0), f.person(t, "second", 0), f.person(t, "third", 0)
		if e, _ := f.s.Enrol(ctx, a, c.ID); e.State != Enrolled {
			t.Fatalf("first: %+v", e)
		}
		f.clock.Add(time.Minute)
		if e, _ := f.s.Enrol(ctx, b, c.ID); e.State != Waitlisted || e.Position != 1 {
			t.Fatalf("second: %+v", e)
		}
		f.clock.Add(time.Minute)
		if e, _ := f.s.Enrol(ctx, d, c.ID); e.State != Waitlisted || e.Position != 2 {
			t.Fatalf("third: %+v", e)
		}
		before := count(t, db, "SELECT COUNT(*) FROM notifications WHERE account_id = ?", b.ID)
		if _, err := f.s.Cancel(ctx, a, c.ID); err != nil {
			t.Fatal(err)
		}
		if e, _ := f.s.Mine(ctx, b, c.ID); e.State != Enrolled {
			t.Fatalf("second after the cancellation: %+v", e)
		}
		if e, _ := f.s.Mine(ctx, d, c.ID); e.State != Waitlisted || e.Position != 1 {
			t.Fatalf("third after the cancellation: %+v", e)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM notifications WHERE account_id = ?", b.ID); n != before+1 {
			t.Fatalf("the promoted person was not told (%d → %d notices)", before, n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM audit_log WHERE action = 'course.promote'"); n != 1 {
			t.Fatalf("%d promotions audited", n)
		}
		got, _ := f.s.Get(ctx, nil, c.ID)
		if got.Enrolled != 1 || got.Waitlisted != 1 {
			t.Fatalf("seats: %d enrolled, %d waiting", got.Enrolled, got.Waitlisted)
		}
		// A waitlisted person may withdraw at any time without moving anyone.
		if _, err := f.s.Cancel(ctx, d, c.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// SLA M-4.2: cancelling is allowed until the deadline before the first session.
func TestCancellationDeadline_M42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.openCourse(t, CourseInput{CancelHours: 72}, 1)
		p := f.person(t, "late", 0)
		if _, err := f.s.Enrol(ctx, p, c.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(c.First().Add(-72 * time.Hour))
		if _, err := f.s.Cancel(ctx, p, c.ID); problem.As(err).Key != "course.cancel.deadline" {
			t.Fatalf("cancel at the deadline: %v", err)
		}
		if e, _ := f.s.Mine(ctx, p, c.ID); e.State != Enrolled {
			t.Fatalf("a refused cancellation changed the enrolment: %+v", e)
		}
		f.clock.Set(c.First())
		if _, err := f.s.Enrol(ctx, f.person(t, "later", 0), c.ID); problem.As(err).Key != "course.refused.started" {
			t.Fatalf("enrolment after the start: %v", err)
		}
	})
}

// SLA M-4.2: opening a course tells its audience in-app, and by e-mail and SMS
// unless a person turned course notices off; nobody outside the audience hears.
func TestOpeningAnnouncesToTheEligibleByTheirChoices_M42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		keen := f.person(t, "keen", f.agency)
		quiet := f.person(t, "quiet", f.agency)
		outsider := f.person(t, "outsider", f.company)
		agencyAccount := f.b.Account(identityOrg(f.agency))
		prefs := &notify.Preferences{DB: db}
		if err := prefs.Set(ctx, quiet.ID, []notify.Pref{{KindInfo: notify.KindInfo{Kind: notify.KindCourse}}}); err != nil {
			t.Fatal(err)
		}
		c := f.openCourse(t, CourseInput{Audience: GovernmentStaff}, 1)
		if c.Announced != 3 {
			t.Fatalf("announced to %d accounts, want the two employees and the agency", c.Announced)
		}
		inApp := func(id int64) int {
			return count(t, db, "SELECT COUNT(*) FROM notifications WHERE account_id = ? AND link = ?", id, "/courses/"+itoa(c.ID))
		}
		for _, id := range []int64{keen.ID, quiet.ID, agencyAccount.ID} {
			if inApp(id) != 1 {
				t.Fatalf("account %d has no in-app notice", id)
			}
		}
		if inApp(outsider.ID) != 0 {
			t.Fatal("a company's employee was told of an agency course")
		}
		out := func(to, channel string) int {
			return count(t, db, "SELECT COUNT(*) FROM outbox WHERE recipient = ? AND channel = ? AND ref_kind = 'course'", to, channel)
		}
		if out("keen@example.ir", "email") != 1 || out("09120000000", "sms") != 1 {
			t.Fatalf("keen: %d e-mails, %d SMS in all", out("keen@example.ir", "email"), out("09120000000", "sms"))
		}
		if out("quiet@example.ir", "email") != 0 {
			t.Fatal("e-mailed a person who turned course notices off")
		}
		if out("it@agency.example", "email") != 1 {
			t.Fatal("the agency's own account was not e-mailed")
		}
	})
}

// SLA M-4.2: people enrolling at the same moment never take more seats than the
// course has; the rest wait in line.
func TestConcurrentEnrolmentsNeverExceedCapacity_M42(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := f.openCourse(t, CourseInput{Capacity: 2}, 1)
		const n = 6
		people := make([]*identity.Principal, n)
		for i := range people {
			people[i] = f.person(t, "rush"+itoa(int64(i)), 0)
		}
		errs := make(chan error, n)
		for _, p := range people {
			go func() { _, err := f.s.Enrol(ctx, p, c.ID); errs <- err }()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		got, _ := f.s.Get(ctx, nil, c.ID)
		if got.Enrolled != 2 || got.Waitlisted != n-2 {
			t.Fatalf("%d enrolled and %d waiting, want 2 and %d", got.Enrolled, got.Waitlisted, n-2)
		}
	})
}
