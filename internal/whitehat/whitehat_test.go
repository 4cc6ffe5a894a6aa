package whitehat

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Seed §6: an organisation enrols a system, researchers register, a finding is
// triaged, verified and awarded points; the public standings show aliases and
// points, never a finding's title or details, before and after the close.
func TestWhiteHatStandingsNeverShowFindingDetails_Seed6(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := storetest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
		clk.On(db)
		b := fixtures.New(t, db, clk)
		s := &Programme{DB: db, Now: clk.Now}
		manager := b.Staff("manager", map[string][]identity.Role{"cert": {identity.Supervisor}})
		analyst := b.Staff("analyst", map[string][]identity.Role{"cert": {identity.Analyst}})
		org := b.OrgApplicant("bank", "legal")
		hunter, other := b.Applicant("hunter"), b.Applicant("other")

		c, err := s.Create(ctx, manager, CompetitionInput{Title: course.Text{FA: "مسابقه کلاه‌سفید ۱۴۰۵"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnrolSystem(ctx, org, c.ID, "درگاه بانکداری", "bank.example"); problem.As(err).Key != "whitehat.not_open" {
			t.Fatalf("system in a draft: %v", err)
		}
		if _, err := s.SetState(ctx, manager, c.ID, Open); err != nil {
			t.Fatal(err)
		}
		sys, err := s.EnrolSystem(ctx, org, c.ID, "درگاه بانکداری", "bank.example")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EnrolSystem(ctx, hunter, c.ID, "x", ""); problem.As(err).Key != "whitehat.system.org_only" {
			t.Fatalf("a person enrolled a system: %v", err)
		}
		if _, err := s.Register(ctx, hunter, c.ID, "night-owl"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Register(ctx, other, c.ID, "night-owl"); problem.As(err).Key != "whitehat.researcher.taken" {
			t.Fatalf("alias taken twice: %v", err)
		}
		if _, err := s.Submit(ctx, other, c.ID, sys, "t", "d"); problem.As(err).Key != "whitehat.finding.not_registered" {
			t.Fatalf("unregistered finding: %v", err)
		}
		const secret = "SQL injection in /transfer via amount"
		fid, err := s.Submit(ctx, hunter, c.ID, sys, secret, "payload: ' OR 1=1 -- secret-details")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Decide(ctx, hunter, fid, Decision{State: "verified", Severity: "high", Points: 50}); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("a researcher decided: %v", err)
		}
		if _, err := s.Decide(ctx, analyst, fid, Decision{State: "triaged"}); err != nil {
			t.Fatal(err)
		}
		f, err := s.Decide(ctx, analyst, fid, Decision{State: "verified", Severity: "high", Points: 50})
		if err != nil || f.Points != 50 {
			t.Fatalf("verify: %+v, %v", f, err)
		}
		if mine, _ := s.Findings(ctx, other, c.ID); len(mine) != 0 {
			t.Fatalf("another person sees findings: %+v", mine)
		}
		if mine, _ := s.Findings(ctx, hunter, c.ID); len(mine) != 1 {
			t.Fatalf("the researcher sees %d of their findings", len(mine))
		}
		for _, state := range []State{Open, Closed} {
			if state == Closed {
				if _, err := s.SetState(ctx, manager, c.ID, Closed); err != nil {
					t.Fatal(err)
				}
			}
			st, err := s.Standings(ctx, c.ID)
			if err != nil || len(st) != 1 || st[0].Alias != "night-owl" || st[0].Points != 50 || st[0].Verified != 1 {
				t.Fatalf("standings %+v, %v", st, err)
			}
			b, _ := json.Marshal(st)
			if strings.Contains(string(b), "SQL") || strings.Contains(string(b), "secret-details") || strings.Contains(string(b), "hunter") {
				t.Fatalf("standings leak a finding or a name: %s", b)
			}
		}
		if _, err := s.Submit(ctx, hunter, c.ID, sys, "late", "late"); problem.As(err).Key != "whitehat.not_open" {
			t.Fatalf("finding after the close: %v", err)
		}
	})
}
