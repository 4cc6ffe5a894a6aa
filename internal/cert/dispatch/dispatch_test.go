package dispatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/deskfixture"
	"github.com/itoir/miz/internal/cert/dispatch"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func newDesk(t *testing.T, db *store.DB) (*deskfixture.Desk, *dispatch.Service) {
	d := deskfixture.New(t, db, dispatch.TeamGuard)
	return d, &dispatch.Service{DB: db, Cases: d.Engine, Now: d.Clock.Now}
}

func wantCode(t *testing.T, err error, code problem.Code, field string) {
	t.Helper()
	pe := problem.As(err)
	if err == nil || pe.Code != code || pe.Field != field {
		t.Fatalf("want %s on %q, got %v", code, field, err)
	}
}

// SLA M-4.4: the applicant asks for a team; the lead records it; the dispatch clock
// runs from the request to the arrival on the 24×7 clock and the applicant sees it.
func TestDispatchClockRunsFromRequestToArrival_M44(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, s := newDesk(t, db)
		code := d.Incident(t, "ransomware")
		if _, err := s.Request(ctx, d.Responder, code, "x"); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("staff asked for a team on the applicant's behalf: %v", err)
		}
		req, err := s.Request(ctx, d.Reporter, code, "سرور حسابداری رمزگذاری شده")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := notify.List(ctx, db, d.Responder.ID, 10); len(n) == 0 || n[0].Link != "/cases/"+code+"/dispatch" {
			t.Fatalf("the responders were not paged: %+v", n)
		}
		if _, err := s.Request(ctx, d.Reporter, code, "again"); problem.As(err).Code != problem.Conflict {
			t.Fatalf("a second open request: %v", err)
		}
		if _, err := s.RecordTeam(ctx, d.Reporter, code, req.ID, dispatch.TeamInput{Members: "a"}); problem.As(err).Code != problem.Forbidden &&
			problem.As(err).Field == "" {
			t.Fatalf("the applicant recorded a team: %v", err)
		}
		_, err = s.RecordArrival(ctx, d.Responder, code, req.ID, "")
		wantCode(t, err, problem.Conflict, "")
		_, err = s.RecordTeam(ctx, d.Responder, code, req.ID, dispatch.TeamInput{Members: " ", PlannedDeparture: "2026-04-04 10:00", ETA: "2026-04-04 12:00"})
		wantCode(t, err, problem.Invalid, "members")
		_, err = s.RecordTeam(ctx, d.Responder, code, req.ID, dispatch.TeamInput{Members: "a", PlannedDeparture: "tomorrow", ETA: "2026-04-04 12:00"})
		wantCode(t, err, problem.Invalid, "planned_departure")
		_, err = s.RecordTeam(ctx, d.Responder, code, req.ID, dispatch.TeamInput{Members: "a", PlannedDeparture: "1405/01/15 12:00", ETA: "1405/01/15 11:00"})
		wantCode(t, err, problem.Invalid, "eta")
		team, err := s.RecordTeam(ctx, d.Responder, code, req.ID, dispatch.TeamInput{Members: "علی رضایی\nسارا محمدی، Reza",
			PlannedDeparture: "۱۴۰۵/۰۱/۱۵ ۱۱:۰۰", ETA: "2026-04-04 13:30"})
		if err != nil {
			t.Fatal(err)
		}
		if len(team.Members) != 3 || !team.TeamRecorded() {
			t.Fatalf("team = %+v", team)
		}
		d.Clock.Add(3 * time.Hour)
		arr, err := s.RecordArrival(ctx, d.Responder, code, req.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		d.Clock.Add(5 * time.Hour)
		v, err := s.List(ctx, d.Reporter, code)
		if err != nil {
			t.Fatal(err)
		}
		c := v.Dispatches[0].ClockAt(v.Now)
		if c.Running || c.Elapsed != 3*time.Hour || !arr.ArrivedAt.Equal(v.Dispatches[0].ArrivedAt) {
			t.Fatalf("clock = %+v, want stopped at 3h", c)
		}
		_, err = s.RecordDeparture(ctx, d.Responder, code, req.ID, "", "دیسک‌ها تصویربرداری شد")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.List(ctx, d.Outsider, code); problem.As(err).Code != problem.NotFound {
			t.Fatalf("another organisation read the dispatch: %v", err)
		}
		if _, err := s.List(ctx, d.CertifyExpert, code); problem.As(err).Code != problem.NotFound {
			t.Fatalf("staff of another service read the dispatch: %v", err)
		}
	})
}

// SLA M-4.4: the state "team dispatched" is entered only when a team is recorded.
func TestTeamDispatchedOnlyWithARecordedTeam_M44(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, s := newDesk(t, db)
		code := d.CaseAt(t, "dispatch", "access_granted")
		step := cases.TransitionInput{Transition: "dispatch_team"}
		_, err := d.Engine.Transition(ctx, d.Responder, code, step)
		wantCode(t, err, problem.Conflict, "")
		req, err := s.Request(ctx, d.Reporter, code, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Engine.Transition(ctx, d.Responder, code, step); problem.As(err).Code != problem.Conflict {
			t.Fatalf("a request without a team entered team_dispatched: %v", err)
		}
		if _, err := s.RecordTeam(ctx, d.Responder, code, req.ID, dispatch.TeamInput{Members: "a", PlannedDeparture: "2026-04-04 10:00",
			ETA: "2026-04-04 11:00"}); err != nil {
			t.Fatal(err)
		}
		c, err := d.Engine.Transition(ctx, d.Responder, code, step)
		if err != nil || c.State != dispatch.StateTeamDispatched {
			t.Fatalf("with a team: %v %+v", err, c)
		}
	})
}
