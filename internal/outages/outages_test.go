package outages

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func wantProblem(t *testing.T, err error, code problem.Code, key string) {
	t.Helper()
	pe := problem.As(err)
	if err == nil || pe.Code != code || pe.Key != key {
		t.Fatalf("err = %v, want %s/%s", err, code, key)
	}
}

func TestUnplannedOutageBannerStatusAndNotices_C44(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if b := f.s.Banner(ctx, i18n.Fa); b != "" {
			t.Fatalf("banner before any outage = %q", b)
		}
		o, err := f.s.Create(ctx, f.admin, CreateInput{Kind: Unplanned, Services: []string{"certify"},
			Start: start.Add(-10 * time.Minute), NoticeFa: "سامانه صدور گواهی در دسترس نیست.", NoticeEn: "Certification is down."})
		if err != nil {
			t.Fatal(err)
		}
		// Applicants with cases in flight on certify are told; closed cases and other
		// services are not (C-4.4).
		for name, want := range map[string]int{"inflight": 1, "draft": 1, "closed": 0, "other": 0} {
			if got := notices(t, db, f.accounts[name]); got != want {
				t.Errorf("%s: %d in-app notices, want %d", name, got, want)
			}
			if got := emails(t, db, name+"@example.ir"); got != want {
				t.Errorf("%s: %d e-mails, want %d", name, got, want)
			}
		}
		if o.Notified != 2 {
			t.Errorf("notified = %d, want 2", o.Notified)
		}
		if b := f.s.Banner(ctx, i18n.Fa); b != "سامانه صدور گواهی در دسترس نیست." {
			t.Errorf("banner fa = %q", b)
		}
		if b := f.s.Banner(ctx, i18n.En); b != "Certification is down." {
			t.Errorf("banner en = %q", b)
		}
		st, err := f.s.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]State{}
		for _, s := range st.Services {
			states[s.Service] = s.State
		}
		if states["certify"] != Unavailable || states["cert"] != Operational || st.State != Unavailable || len(st.Current) != 1 {
			t.Fatalf("status = %+v", st)
		}
		f.clock.Add(2 * time.Hour)
		if _, err := f.s.End(ctx, f.admin, o.ID); err != nil {
			t.Fatal(err)
		}
		if b := f.s.Banner(ctx, i18n.Fa); b != "" {
			t.Errorf("banner after the end = %q", b)
		}
		_, err = f.s.End(ctx, f.admin, o.ID)
		wantProblem(t, err, problem.Conflict, "outages.not_active")
		st, err = f.s.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.State != Operational || len(st.History) != 1 || len(st.Current) != 0 {
			t.Fatalf("status after the end = %+v", st)
		}
		a, err := f.s.Availability(ctx, "certify", start.Add(-50*time.Minute), start.Add(10*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		// 130 minutes down out of 230 elapsed.
		if a.UnplannedSeconds != 130*60 || a.PeriodSeconds != 170*60 || a.PlannedSeconds != 0 {
			t.Errorf("availability = %+v", a)
		}
	})
}

func TestPlannedOutageAnnouncedAhead_C44(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		o, err := f.s.Create(ctx, f.admin, CreateInput{Kind: Planned, Start: start.Add(72 * time.Hour),
			End: start.Add(74 * time.Hour), NoticeFa: "به‌روزرسانی پایگاه داده", NoticeEn: "Database upgrade"})
		if err != nil {
			t.Fatal(err)
		}
		// Every service is affected, so every applicant with a case in flight is told
		// at once, three days ahead.
		if o.Notified != 3 || !o.AllServices || o.AnnouncedAt.IsZero() || !o.AnnouncedAt.Before(o.Start) {
			t.Fatalf("outage = %+v", o)
		}
		if notices(t, db, f.accounts["other"]) != 1 || notices(t, db, f.accounts["closed"]) != 0 {
			t.Error("notices to the wrong applicants")
		}
		if b := f.s.Banner(ctx, i18n.En); b != "" {
			t.Errorf("banner 72h ahead = %q, want none yet", b)
		}
		f.clock.Add(30 * time.Hour)
		b := f.s.Banner(ctx, i18n.En)
		if !strings.Contains(b, "Database upgrade") || !strings.Contains(b, "2026-11-24 09:00") {
			t.Errorf("banner 42h ahead = %q", b)
		}
		st, err := f.s.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.State != Operational || len(st.Upcoming) != 1 {
			t.Fatalf("status ahead = %+v", st)
		}
		f.clock.Add(43 * time.Hour)
		if st, err = f.s.Status(ctx); err != nil || st.Services[0].State != Maintenance {
			t.Fatalf("status during = %+v, %v", st, err)
		}
		a, err := f.s.Availability(ctx, "cert", start, start.Add(96*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if a.PlannedSeconds != 3600 || a.DownSeconds != 3600 || a.UnplannedSeconds != 0 || a.PercentUnplanned != 100 {
			t.Errorf("availability = %+v", a)
		}
	})
}

func TestCreateRefusesBadInput(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ok := CreateInput{Kind: Unplanned, Start: start, NoticeFa: "قطعی"}
		for _, c := range []struct {
			mod  func(in *CreateInput)
			code problem.Code
			key  string
		}{
			{func(in *CreateInput) { in.Kind = "sometimes" }, problem.Invalid, "outages.kind"},
			{func(in *CreateInput) { in.NoticeFa = " " }, problem.Invalid, "outages.notice.required"},
			{func(in *CreateInput) { in.Start = time.Time{} }, problem.Invalid, "outages.start.required"},
			{func(in *CreateInput) { in.End = start.Add(-time.Minute) }, problem.Invalid, "outages.end.before_start"},
			{func(in *CreateInput) { in.Kind, in.End = Planned, start.Add(time.Hour) }, problem.Invalid, "outages.planned.ahead"},
			{func(in *CreateInput) { in.Kind, in.Start = Planned, start.Add(time.Hour) }, problem.Invalid, "outages.planned.end"},
			{func(in *CreateInput) { in.Start = start.Add(time.Hour) }, problem.Invalid, "outages.unplanned.future"},
			{func(in *CreateInput) { in.Services = []string{"nope"} }, problem.Invalid, "outages.service.unknown"},
		} {
			in := ok
			c.mod(&in)
			_, err := f.s.Create(ctx, f.admin, in)
			wantProblem(t, err, c.code, c.key)
		}
		staff := &identity.Principal{Account: identity.Account{ID: f.admin.ID, Kind: identity.KindStaff},
			Grants: map[string][]identity.Role{"certify": {identity.Supervisor}}}
		_, err := f.s.Create(ctx, staff, ok)
		wantProblem(t, err, problem.Forbidden, "outages.forbidden")
		_, err = f.s.Create(ctx, nil, ok)
		wantProblem(t, err, problem.Unauthorized, "error.unauthorized")
	})
}

// TestOutageDoesNotStopTheClock_SLACLOCK8: the case engine's clock keeps counting
// through an outage; the outage counts against availability, not the applicant.
func TestOutageDoesNotStopTheClock_SLACLOCK8(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		submitted := start.Add(-48 * time.Hour)
		err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, to_state, holder, actor_account_id)
				VALUES (?, 1, ?, 'completeness_check', 'organization', ?)`, f.cases["inflight"], store.Millis(submitted), f.accounts["inflight"])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cal := sla.NationalDefault()
		e := &cases.Engine{DB: db, Catalog: cases.StaticCatalog(f.svcs), Calendar: func() *sla.Calendar { return cal }, Now: f.clock.Now}
		expert := &identity.Principal{Account: identity.Account{ID: f.admin.ID, Kind: identity.KindStaff},
			Grants: map[string][]identity.Role{"certify": {identity.Expert}}}
		if _, err := f.s.Create(ctx, f.admin, CreateInput{Kind: Unplanned, Start: start, NoticeFa: "قطعی کامل"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(3 * time.Hour)
		v, err := e.Get(ctx, expert, f.codes["inflight"])
		if err != nil {
			t.Fatal(err)
		}
		want := cal.WorkingSeconds(submitted, f.clock.Now())
		if v.Clock.Paused || v.Clock.UsedSeconds != want || want < 3*3600 {
			t.Fatalf("clock during the outage: used %d paused %v, want %d running", v.Clock.UsedSeconds, v.Clock.Paused, want)
		}
	})
}
