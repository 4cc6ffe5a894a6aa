package warning_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

type world struct {
	db      *store.DB
	clock   *storetest.Clock
	fx      *fixtures.Builder
	cons    *constituent.Service
	feeds   *feed.Service
	warns   *warning.Service
	staff   *identity.Principal
	bank    *identity.Principal
	other   *identity.Principal
	bankOrg int64
}

func newWorld(t *testing.T, db *store.DB) *world {
	clock := storetest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	fx := fixtures.New(t, db, clock)
	w := &world{db: db, clock: clock, fx: fx,
		cons:  &constituent.Service{DB: db, Now: clock.Now},
		feeds: &feed.Service{DB: db, Now: clock.Now, BatchSize: 2},
		warns: &warning.Service{DB: db, Now: clock.Now},
		staff: fx.Staff("analyst", map[string][]identity.Role{"cert": {identity.Analyst}}),
		bank:  fx.OrgApplicant("bank", "legal"),
		other: fx.OrgApplicant("other", "government"),
	}
	w.bankOrg = w.bank.OrgID
	return w
}

func (w *world) claimVerified(t *testing.T, p *identity.Principal, kind, value string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := w.cons.ClaimAsset(ctx, p, constituent.Claim{Kind: kind, Value: value})
	if err != nil {
		t.Fatalf("claim %s %s: %v", kind, value, err)
	}
	if err := w.cons.Decide(ctx, w.staff, id, true, ""); err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) importCSV(t *testing.T, body string) feed.Result {
	t.Helper()
	res, err := w.feeds.Import(context.Background(), w.staff, strings.NewReader(body),
		feed.Options{Filename: "scan_rdp.csv", Source: feed.SourceCLI})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

const header = "timestamp,ip,port,hostname,tag,asn,severity\n"

// TestFeedFindingBecomesWarningAcknowledgedFixedAndClosedByRecheck_M43_A46 follows a
// finding from a feed through the constituent's acknowledgement and fix claim to its
// closure by a later import that no longer reports it.
func TestFeedFindingBecomesWarningAcknowledgedFixedAndClosedByRecheck_M43_A46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.claimVerified(t, w.bank, "prefix", "192.0.2.0/24")
		w.claimVerified(t, w.bank, "domain", "Bank.ir.")
		// A claim not yet verified matches nothing.
		if _, err := w.cons.ClaimAsset(ctx, w.other, constituent.Claim{Kind: "prefix", Value: "198.51.100.0/24"}); err != nil {
			t.Fatal(err)
		}
		// Another organisation cannot verify or see the bank's assets.
		if _, err := w.cons.Assets(ctx, w.other, w.bankOrg); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("other org read the bank's assets: %v", err)
		}

		res := w.importCSV(t, header+
			"2026-12-01 06:00:00,192.0.2.10,3389,,rdp,64500,high\n"+
			"2026-12-01 06:00:00,192.0.2.10,3389,,rdp,64500,high\n"+ // the same finding twice in a file
			"2026-12-01 06:00:00,198.51.100.7,3389,,rdp,,high\n"+ // only claimed, not verified
			"2026-12-01 06:00:01,,443,www.bank.ir,ssl-poodle,,\n"+
			"broken,192.0.2.11,3389,,rdp,,\n")
		if res.Rows != 5 || res.Bad != 1 || res.Matched != 3 || res.WarningsNew != 2 || res.BadRows[0].Line != 6 {
			t.Fatalf("first import = %+v", res)
		}
		list, err := w.warns.List(ctx, w.bank, warning.Filter{})
		if err != nil || len(list) != 2 {
			t.Fatalf("bank's warnings = %v, %v", list, err)
		}
		if l, _ := w.warns.List(ctx, w.other, warning.Filter{}); len(l) != 0 {
			t.Fatalf("other org sees %d warnings", len(l))
		}
		var rdp warning.Warning
		for _, w := range list {
			if w.Port == 3389 {
				rdp = w
			}
		}
		if rdp.IP != "192.0.2.10" || rdp.Port != 3389 || rdp.Severity != "high" || rdp.MatchedBy != "prefix" ||
			rdp.State != warning.Open || !rdp.NotifyDue.Equal(w.clock.Now().Add(4*time.Hour)) {
			t.Fatalf("rdp warning = %+v", rdp)
		}
		if _, err := w.warns.Get(ctx, w.other, rdp.ID); problem.As(err).Code != problem.NotFound {
			t.Fatalf("other org reads the warning: %v", err)
		}

		// The digest goes out at once when the constituent asked for no aggregation.
		w.clock.Add(10 * time.Minute)
		if n, err := w.warns.SendDue(ctx); err != nil || n != 0 {
			t.Fatalf("sent %d before the hour's aggregation: %v", n, err)
		}
		w.clock.Add(55 * time.Minute)
		if n, err := w.warns.SendDue(ctx); err != nil || n != 2 {
			t.Fatalf("sent %d after the hour: %v", n, err)
		}
		rdp, _ = w.warns.Get(ctx, w.bank, rdp.ID)
		if rdp.NotifiedAt.IsZero() || rdp.NotifyLate(w.clock.Now()) || rdp.NotifyTook(w.clock.Now()) != 65*time.Minute {
			t.Fatalf("CERT clock: %+v", rdp)
		}

		if err := w.warns.Acknowledge(ctx, w.other, rdp.ID); problem.As(err).Code != problem.NotFound {
			t.Fatalf("other org acknowledged: %v", err)
		}
		if err := w.warns.Acknowledge(ctx, w.bank, rdp.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.warns.Acknowledge(ctx, w.bank, rdp.ID); problem.As(err).Code != problem.Conflict {
			t.Fatalf("acknowledged twice: %v", err)
		}
		w.clock.Add(time.Hour)
		if err := w.warns.ClaimFixed(ctx, w.bank, rdp.ID, "وصله نصب شد"); err != nil {
			t.Fatal(err)
		}

		// A later import that still sees it (observed after the claim) reopens the claim.
		w.clock.Add(time.Hour)
		res = w.importCSV(t, header+"2026-12-01 11:00:00,192.0.2.10,3389,,rdp,64500,high\n")
		// It no longer reports the poodle finding, which closes.
		if res.WarningsNew != 0 || res.WarningsClosed != 1 {
			t.Fatalf("second import = %+v", res)
		}
		rdp, _ = w.warns.Get(ctx, w.bank, rdp.ID)
		if rdp.State != warning.Acknowledged || rdp.SeenCount != 2 {
			t.Fatalf("after being seen again: %+v", rdp)
		}
		if err := w.warns.ClaimFixed(ctx, w.bank, rdp.ID, ""); err != nil {
			t.Fatal(err)
		}
		// The next import of the feed without it closes it as re-checked.
		w.clock.Add(time.Hour)
		res = w.importCSV(t, header+"2026-12-01 13:00:00,203.0.113.1,22,,ssh,,low\n")
		if res.WarningsClosed != 1 {
			t.Fatalf("third import closed %d", res.WarningsClosed)
		}
		rdp, _ = w.warns.Get(ctx, w.bank, rdp.ID)
		if rdp.State != warning.Closed || rdp.Closure != warning.ClosedByRecheck || rdp.RemediateLate(w.clock.Now()) {
			t.Fatalf("after the re-check: %+v", rdp)
		}
		live, _ := w.warns.List(ctx, w.bank, warning.Filter{Live: true})
		if len(live) != 0 {
			t.Fatalf("live warnings left: %+v", live)
		}
		// Seen again after closure, it is a new warning.
		res = w.importCSV(t, header+"2026-12-01 14:00:00,192.0.2.10,3389,,rdp,64500,high\n")
		if res.WarningsNew != 1 {
			t.Fatalf("fourth import = %+v", res)
		}
		// Staff verification closes too; a constituent cannot.
		list, _ = w.warns.List(ctx, w.bank, warning.Filter{Live: true})
		if err := w.warns.Verify(ctx, w.bank, list[0].ID); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("constituent verified: %v", err)
		}
		if err := w.warns.Verify(ctx, w.staff, list[0].ID); err != nil {
			t.Fatal(err)
		}
	})
}

// TestIgnoredWarningEscalatesReminderSupervisorHead_A46 lets a critical warning go
// unacknowledged and checks each step reaches the next contact.
func TestIgnoredWarningEscalatesReminderSupervisorHead_A46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.claimVerified(t, w.bank, "asn", "AS64500")
		for role, mail := range map[string]string{"technical": "noc@bank.ir", "supervisor": "ciso@bank.ir", "head": "ceo@bank.ir"} {
			if _, err := w.cons.AddContact(ctx, w.bank, constituent.Contact{Role: role, Name: role, Email: mail}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.cons.AddContact(ctx, w.bank, constituent.Contact{Role: "technical", Name: "x", Email: "not an address"}); problem.As(err).Field != "email" {
			t.Fatalf("bad e-mail accepted: %v", err)
		}
		if err := w.cons.SetRules(ctx, w.bank, constituent.Rules{Channel: "email", Lang: "fa", IntervalMinutes: 0, Sector: "بانکی"}); err != nil {
			t.Fatal(err)
		}
		w.importCSV(t, header+",,,,botnet-drone,64500,critical\n")
		if n, _ := w.warns.SendDue(ctx); n != 1 {
			t.Fatalf("sent %d", n)
		}
		outbox := func() []string {
			var to []string
			_ = db.View(ctx, func(tx *store.Tx) error {
				rows, err := tx.Query(ctx, `SELECT recipient FROM outbox ORDER BY id`)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var s string
					_ = rows.Scan(&s)
					to = append(to, s)
				}
				return nil
			})
			return to
		}
		if got := outbox(); len(got) != 1 || got[0] != "noc@bank.ir" {
			t.Fatalf("first notice to %v", got)
		}
		for i, want := range []string{"noc@bank.ir", "ciso@bank.ir", "ceo@bank.ir"} {
			w.clock.Add(4*time.Hour + time.Minute)
			if n, err := w.warns.Escalate(ctx); err != nil || n != 1 {
				t.Fatalf("step %d: %d, %v", i+1, n, err)
			}
			if got := outbox(); got[len(got)-1] != want {
				t.Fatalf("step %d went to %v, want %s", i+1, got, want)
			}
		}
		w.clock.Add(24 * time.Hour)
		if n, _ := w.warns.Escalate(ctx); n != 0 {
			t.Fatalf("escalated past the head: %d", n)
		}
	})
}

// TestSuppressedClassIsKeptButNeverNotified: a constituent that suppresses a class
// is never told of it.
func TestSuppressedClassIsKeptButNeverNotified(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.claimVerified(t, w.bank, "prefix", "2001:db8::/32")
		if err := w.cons.SetRules(ctx, w.bank, constituent.Rules{Channel: "inapp", Lang: "en", Suppress: []string{"vulnerable/weak-crypto"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.cons.SetRules(ctx, w.bank, constituent.Rules{Channel: "inapp", Lang: "en", Suppress: []string{"nonsense"}}); problem.As(err).Field != "suppress" {
			t.Fatalf("bad suppression accepted: %v", err)
		}
		w.importCSV(t, header+",2001:db8::1,443,,ssl-freak,,\n")
		list, _ := w.warns.List(ctx, w.bank, warning.Filter{})
		if len(list) != 1 || list[0].State != warning.Suppressed {
			t.Fatalf("warnings = %+v", list)
		}
		if n, _ := w.warns.SendDue(ctx); n != 0 {
			t.Fatalf("told of a suppressed class: %d", n)
		}
	})
}

// TestAdvisoryCoveragePerSector_A45 counts constituents that applied an advisory.
func TestAdvisoryCoveragePerSector_A45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		w.claimVerified(t, w.bank, "domain", "bank.ir")
		w.claimVerified(t, w.other, "domain", "gov.ir")
		_ = w.cons.SetRules(ctx, w.bank, constituent.Rules{Channel: "email", Lang: "fa", Sector: "بانکی", IntervalMinutes: 60})
		if err := w.warns.AdvisoryApplied(ctx, w.bank, "MIZ-2026-0001", "done"); err != nil {
			t.Fatal(err)
		}
		if err := w.warns.AdvisoryApplied(ctx, w.bank, "MIZ-2026-0001", "again"); err != nil {
			t.Fatal(err)
		}
		cov, err := w.warns.AdvisoryCoverage(ctx, w.staff, "MIZ-2026-0001")
		if err != nil || len(cov) != 2 || cov[0].Sector != "" || cov[0].Applied != 0 || cov[1].Constituents != 1 || cov[1].Applied != 1 {
			t.Fatalf("coverage = %+v, %v", cov, err)
		}
		if _, err := w.warns.AdvisoryCoverage(ctx, w.bank, "MIZ-2026-0001"); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("constituent read coverage: %v", err)
		}
		got, _ := w.warns.AppliedAdvisories(ctx, w.bank, 0)
		if _, ok := got["MIZ-2026-0001"]; !ok {
			t.Fatalf("applied = %v", got)
		}
	})
}
