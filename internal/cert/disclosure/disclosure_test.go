package disclosure_test

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/deskfixture"
	"github.com/itoir/miz/internal/cert/disclosure"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

const v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

func field(t *testing.T, err error, f, key string) {
	t.Helper()
	pe := problem.As(err)
	if err == nil || pe.Code != problem.Invalid || pe.Field != f || (key != "" && pe.Key != key) {
		t.Fatalf("want a field error on %s (%s), got %v (%s)", f, key, err, pe.Key)
	}
}

func TestAnyoneMayReportAVulnerabilityWithAFieldErrorForABadVector(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deskfixture.New(t, db)
		s := &disclosure.Service{DB: db, PerHour: 3, Now: d.Clock.Now}
		in := disclosure.ReportInput{System: "https://portal.example.ir/login", Title: "تزریق SQL در فرم ورود",
			Description: "پارامتر نام کاربری بدون پاک‌سازی در پرس‌وجو می‌رود.", ClientIP: "192.0.2.7"}
		bad := in
		bad.CVSS = "CVSS:3.1/AV:X"
		_, err := s.Report(ctx, nil, bad)
		field(t, err, "cvss", "cert.cvss.invalid")
		bad.CVSS = "CVSS:2.0/AV:N"
		_, err = s.Report(ctx, nil, bad)
		field(t, err, "cvss", "cert.cvss.version")
		bad = in
		bad.System = "999.1.1.1"
		_, err = s.Report(ctx, nil, bad)
		field(t, err, "system", "vuln.system.invalid")
		bad = in
		bad.Email = "not-an-address"
		_, err = s.Report(ctx, nil, bad)
		field(t, err, "email", "vuln.email.invalid")
		bad = in
		bad.CreditWanted = true
		_, err = s.Report(ctx, nil, bad)
		field(t, err, "name", "vuln.credit.name")

		in.CVSS = v31
		v, err := s.Report(ctx, nil, in)
		if err != nil || v.CVSSScore != "9.8" || v.CVSSSeverity != "CRITICAL" || v.Status != disclosure.StatusReceived {
			t.Fatalf("report: %v %+v", err, v)
		}
		for i := 0; i < 2; i++ {
			if _, err := s.Report(ctx, d.Reporter, in); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Report(ctx, nil, in); problem.As(err).Code != problem.RateLimited {
			t.Fatalf("fourth report in an hour from one address: %v", err)
		}
		in.ClientIP = "192.0.2.8"
		if _, err := s.Report(ctx, nil, in); err != nil {
			t.Fatalf("another address was limited too: %v", err)
		}
		if _, err := s.List(ctx, nil); problem.As(err).Code != problem.Unauthorized {
			t.Fatalf("the public listed reports: %v", err)
		}
		if _, err := s.List(ctx, d.CertifyExpert); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("another service's staff listed reports: %v", err)
		}
	})
}

// SLA M-4.3: the owner is informed through a recorded notice, and only then is the
// report "owner informed"; the credit page lists disclosed reports only.
func TestOwnerInformedOnlyWithARecordedNotice_M43(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deskfixture.New(t, db)
		s := &disclosure.Service{DB: db, Now: d.Clock.Now}
		v, err := s.Report(ctx, nil, disclosure.ReportInput{System: "mail.example.ir", Title: "رله باز", Name: "مریم",
			CreditWanted: true, Description: "سرور پست هر نامه‌ای را بدون احراز هویت رله می‌کند.", ClientIP: "198.51.100.1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.NotifyOwner(ctx, d.Analyst, v.ID); problem.As(err).Code != problem.Conflict {
			t.Fatalf("informed before verification: %v", err)
		}
		_, err = s.Verify(ctx, d.Analyst, v.ID, disclosure.VerifyInput{Confirmed: true, OwnerNationalID: "00000000000"})
		field(t, err, "owner", "vuln.owner.unknown")
		var nid string
		if err := db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT national_id FROM organizations WHERE id = ?`, d.OrgID).Scan(&nid)
		}); err != nil {
			t.Fatal(err)
		}
		if v, err = s.Verify(ctx, d.Analyst, v.ID, disclosure.VerifyInput{Confirmed: true, OwnerNationalID: nid}); err != nil ||
			v.Status != disclosure.StatusVerified || v.OwnerOrgID != d.OrgID {
			t.Fatalf("verify: %v %+v", err, v)
		}
		before, _ := notify.List(ctx, db, d.Reporter.ID, 10)
		if v, err = s.NotifyOwner(ctx, d.Analyst, v.ID); err != nil || v.Status != disclosure.StatusOwnerInformed || v.NoticeAccounts != 1 {
			t.Fatalf("notify: %v %+v", err, v)
		}
		after, _ := notify.List(ctx, db, d.Reporter.ID, 10)
		if len(after) != len(before)+1 {
			t.Fatalf("the owner's account got %d notices, want one more than %d", len(after), len(before))
		}
		if _, err := s.Disclose(ctx, d.Analyst, v.ID); problem.As(err).Key != "vuln.embargo.running" {
			t.Fatalf("disclosed without an embargo date: %v", err)
		}
		_, err = s.SetEmbargo(ctx, d.Analyst, v.ID, "2020-01-01")
		field(t, err, "embargo_until", "vuln.embargo.range")
		if _, err := s.SetEmbargo(ctx, d.Analyst, v.ID, "1405/02/15"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Disclose(ctx, d.Analyst, v.ID); problem.As(err).Key != "vuln.embargo.running" {
			t.Fatalf("disclosed under embargo: %v", err)
		}
		if cr, _ := s.Credits(ctx); len(cr) != 0 {
			t.Fatalf("credit page lists an undisclosed report: %+v", cr)
		}
		d.Clock.Add(60 * 24 * time.Hour)
		if _, err := s.Disclose(ctx, d.Analyst, v.ID); err != nil {
			t.Fatal(err)
		}
		cr, err := s.Credits(ctx)
		if err != nil || len(cr) != 1 || cr[0].Reporter != "مریم" || cr[0].Ref != v.Ref {
			t.Fatalf("credits: %v %+v", err, cr)
		}
	})
}
