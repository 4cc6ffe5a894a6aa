package consent_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/consent"
	"github.com/itoir/miz/internal/cert/deskfixture"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func wantProblem(t *testing.T, err error, code problem.Code, field, key string) {
	t.Helper()
	pe := problem.As(err)
	if err == nil || pe.Code != code || pe.Field != field || (key != "" && pe.Key != key) {
		t.Fatalf("want %s %s on %q, got %v (%s)", code, key, field, err, pe.Key)
	}
}

var grant = consent.GrantInput{Access: "forensic_imaging", Systems: "10.0.0.5\nmail.example.ir", Purpose: "تصویربرداری از دیسک",
	From: "2026-04-04 10:00", Until: "2026-04-05 10:00"}

// SLA: the organisation grants scoped access for a period; every access a
// responder records refers to a live consent within its scope, or is refused.
func TestAccessNeedsALiveConsentInScope_A47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deskfixture.New(t, db, consent.Guard)
		s := &consent.Service{DB: db, Cases: d.Engine, Now: d.Clock.Now}
		code := d.Incident(t, "nfoz")

		bad := grant
		bad.Access = "root"
		_, err := s.Grant(ctx, d.Reporter, code, bad)
		wantProblem(t, err, problem.Invalid, "access", "consent.access.invalid")
		bad = grant
		bad.Systems = "  \n "
		_, err = s.Grant(ctx, d.Reporter, code, bad)
		wantProblem(t, err, problem.Invalid, "systems", "")
		bad = grant
		bad.Until = "2026-04-04 09:00"
		_, err = s.Grant(ctx, d.Reporter, code, bad)
		wantProblem(t, err, problem.Invalid, "valid_until", "consent.period.order")
		bad = grant
		bad.Until = "2026-09-04 09:00"
		_, err = s.Grant(ctx, d.Reporter, code, bad)
		wantProblem(t, err, problem.Invalid, "valid_until", "consent.period.long")
		if _, err := s.Grant(ctx, d.Responder, code, grant); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("CERT staff granted access for the organisation: %v", err)
		}
		if _, err := s.Grant(ctx, d.Outsider, code, grant); problem.As(err).Code != problem.NotFound {
			t.Fatalf("another organisation granted access: %v", err)
		}

		c, err := s.Grant(ctx, d.Reporter, code, grant)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Printable(ctx, c.ID, "99999999999999", "forged"); problem.As(err).Code != problem.NotFound {
			t.Fatalf("a forged print link opened the consent: %v", err)
		}
		link, _ := url.Parse(s.PrintPath(c.ID))
		if got, err := s.Printable(ctx, c.ID, link.Query().Get("exp"), link.Query().Get("t")); err != nil || got.CaseCode != code {
			t.Fatalf("the print link: %v", err)
		}
		act := consent.AccessInput{ConsentID: c.ID, System: "10.0.0.5", Action: "تصویر دیسک گرفته شد"}
		// 06:30 UTC is 10:00 Tehran: the period has just begun.
		d.Clock.Set(time.Date(2026, 4, 4, 6, 29, 0, 0, time.UTC))
		_, err = s.RecordAccess(ctx, d.Responder, code, act)
		wantProblem(t, err, problem.Conflict, "consent", "consent.not_live.pending")
		d.Clock.Set(time.Date(2026, 4, 4, 7, 0, 0, 0, time.UTC))
		if _, err := s.RecordAccess(ctx, d.Reporter, code, act); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("the applicant recorded a responder's access: %v", err)
		}
		out := act
		out.System = "db.example.ir"
		_, err = s.RecordAccess(ctx, d.Responder, code, out)
		wantProblem(t, err, problem.Invalid, "system", "consent.system.out_of_scope")
		if _, err := s.RecordAccess(ctx, d.Responder, code, act); err != nil {
			t.Fatal(err)
		}
		// It expires by itself.
		d.Clock.Set(time.Date(2026, 4, 5, 6, 31, 0, 0, time.UTC))
		_, err = s.RecordAccess(ctx, d.Responder, code, act)
		wantProblem(t, err, problem.Conflict, "consent", "consent.not_live.expired")

		// Revocable at any time.
		d.Clock.Set(time.Date(2026, 4, 4, 8, 0, 0, 0, time.UTC))
		c2, err := s.Grant(ctx, d.Reporter, code, consent.GrantInput{Access: "remote", Systems: "vpn.example.ir", Purpose: "بررسی",
			Until: "2026-04-06 10:00"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Revoke(ctx, d.Reporter, code, c2.ID, "کار تمام شد"); err != nil {
			t.Fatal(err)
		}
		_, err = s.RecordAccess(ctx, d.Responder, code, consent.AccessInput{ConsentID: c2.ID, System: "vpn.example.ir", Action: "x"})
		wantProblem(t, err, problem.Conflict, "consent", "consent.not_live.revoked")
		v, err := s.List(ctx, d.Reporter, code)
		if err != nil || len(v.Consents) != 2 || len(v.Actions) != 1 || v.Consents[1].StatusAt(v.Now) != consent.StatusRevoked {
			t.Fatalf("list = %+v, %v", v, err)
		}
	})
}

// SLA: the incident's step "grant access" needs a live consent on record.
func TestGrantAccessStepNeedsALiveConsent_A47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deskfixture.New(t, db, consent.Guard)
		s := &consent.Service{DB: db, Cases: d.Engine, Now: d.Clock.Now}
		code := d.CaseAt(t, "incident", "awaiting_access")
		step := cases.TransitionInput{Transition: consent.TransitionGrantAccess}
		_, err := d.Engine.Transition(ctx, d.Reporter, code, step)
		wantProblem(t, err, problem.Conflict, "", "consent.required_for_step")
		if _, err := s.Grant(ctx, d.Reporter, code, consent.GrantInput{Access: "read_only", Systems: "10.1.1.1", Purpose: "x",
			Until: "2026-04-05 10:00"}); err != nil {
			t.Fatal(err)
		}
		if c, err := d.Engine.Transition(ctx, d.Reporter, code, step); err != nil || c.State != "handling" {
			t.Fatalf("with a live consent: %v", err)
		}
	})
}
