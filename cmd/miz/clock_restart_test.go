package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// bootAt starts the demo server on the given data directory and database with clk;
// the clock survives a restart because each server is given the same one.
func bootAt(t *testing.T, dbURL, data string, clk *storetest.Clock) *Main {
	t.Helper()
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo, cfg.DB = "127.0.0.1:0", data, true, dbURL
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: clk.Now}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// forEachDBDir runs fn on SQLite and PostgreSQL with a data directory and database
// that outlive one server.
func forEachDBDir(t *testing.T, fn func(t *testing.T, dbURL, data string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "", t.TempDir()) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.PostgresURL(t), t.TempDir()) })
}

// countWhere counts rows of a query with one result column.
func countWhere(t *testing.T, m *Main, q string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	var n int
	if err := m.DB.View(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// runDueUntil runs due jobs until the count query reaches want; the server's own
// runner may take a job first, so the count is polled, not assumed.
func runDueUntil(t *testing.T, m *Main, want int, q string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := m.Runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		n := countWhere(t, m, q, args...)
		if n == want {
			return
		}
		if n > want || time.Now().After(deadline) {
			t.Fatalf("%d rows for %q %v, want %d", n, q, args, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// submitCertify opens, documents and submits the demo company's CERTIFY application.
func submitCertify(t *testing.T, m *Main) string {
	t.Helper()
	tok := apiLogin(t, m, demo.OrgNationalID, "")
	resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases", tok, "application/json",
		`{"service":"certify","kind":"application","form":`+certifyForm+`}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("open: %d %v", resp.StatusCode, out)
	}
	code := out["tracking_code"].(string)
	for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual",
		"test_access", "ownership_declaration"} {
		uploadDocument(t, m, tok, code, typ)
	}
	if resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/submit", tok, "application/json", ""); resp.StatusCode != 200 {
		t.Fatalf("submit: %d %v", resp.StatusCode, out)
	}
	return code
}

// milestoneAt returns when the pending job of a case's milestone fraction is due.
func milestoneAt(t *testing.T, m *Main, code, fraction string) time.Time {
	t.Helper()
	ctx := context.Background()
	var at int64
	err := m.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT run_at FROM jobs WHERE unique_key LIKE ? ORDER BY id DESC LIMIT 1`,
			"cases:sla:"+code+":"+fraction+":%").Scan(&at)
	})
	if err != nil {
		t.Fatalf("milestone %s of %s: %v", fraction, code, err)
	}
	return store.FromMillis(at)
}

// TestClockSurvivesRestartsAndHolidays_C41 is the SLA clock's "done when": a case is
// submitted, the server stops, the clock moves past 75%; a new server on the same
// data fires the warning exactly once. An admin adds a holiday before the deadline,
// which moves the deadline and the breach job and is recorded as a recompute; after
// another restart the old deadline passes quietly and the new one breaches once,
// escalated in-app to the service's supervisor (SLA-CLOCK rules 5–7).
func TestClockSurvivesRestartsAndHolidays_C41(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		clk := storetest.NewClock(time.Date(2026, 11, 21, 8, 0, 0, 0, jalali.Tehran())) // Saturday
		m := bootAt(t, dbURL, data, clk)
		code := submitCertify(t, m)
		warn, due := milestoneAt(t, m, code, "0.75"), milestoneAt(t, m, code, "1")
		if !warn.After(clk.Now()) || !due.After(warn) {
			t.Fatalf("warning at %v, breach at %v, submitted %v", warn, due, clk.Now())
		}
		_ = m.Close()

		clk.Set(warn.Add(time.Minute))
		m = bootAt(t, dbURL, data, clk)
		warnings := `SELECT COUNT(*) FROM audit_log WHERE action = 'case.sla_warning' AND object_id = ? AND summary LIKE '%0.75%'`
		runDueUntil(t, m, 1, warnings, code)
		if _, err := m.Runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, m, warnings, code); n != 1 {
			t.Fatalf("%d warnings at 75%%, want exactly 1", n)
		}

		// A working day after today and before the deadline becomes a holiday.
		day := clk.Now().In(jalali.Tehran())
		for {
			day = day.AddDate(0, 0, 1)
			if wd := day.Weekday(); wd != time.Thursday && wd != time.Friday {
				break
			}
		}
		if !day.Before(due) {
			t.Fatalf("no working day between %v and the deadline %v", clk.Now(), due)
		}
		totp, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
		admin := apiLogin(t, m, "demo-admin", totp)
		body := `{"date":"` + jalali.FromTime(day).String() + `","name_fa":"تعطیلی اعلام‌شده","name_en":"Announced closure"}`
		if resp, out := doJSON(t, "POST", m.URL()+"/api/v1/calendar/holidays", admin, "application/json", body); resp.StatusCode != http.StatusCreated {
			t.Fatalf("add holiday: %d %v", resp.StatusCode, out)
		}
		newDue := milestoneAt(t, m, code, "1")
		if newDue.Sub(due) < 7*time.Hour {
			t.Fatalf("breach moved from %v to %v, want at least one working day later", due, newDue)
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.clocks_recomputed' AND summary LIKE '%holiday%' AND actor <> 'system'`); n != 1 {
			t.Fatalf("%d recomputes in the audit log, want 1", n)
		}
		_ = m.Close()

		breaches := `SELECT COUNT(*) FROM audit_log WHERE action = 'case.sla_breach' AND object_id = ?`
		clk.Set(due.Add(time.Minute)) // past the old deadline only
		m = bootAt(t, dbURL, data, clk)
		if _, err := m.Runner.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, m, breaches, code); n != 0 {
			t.Fatalf("breached at the old deadline (%d), the holiday did not count", n)
		}
		_ = m.Close()

		clk.Set(newDue.Add(time.Minute))
		m = bootAt(t, dbURL, data, clk)
		runDueUntil(t, m, 1, breaches, code)
		notices := `SELECT COUNT(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
			WHERE a.username = 'demo-supervisor' AND n.link = ? AND n.title_en LIKE 'Overdue%'`
		runDueUntil(t, m, 1, notices, "/cases/"+code)
		if n := countWhere(t, m, warnings, code); n != 1 {
			t.Fatalf("%d warnings at 75%% after the breach, want still 1", n)
		}
	})
}
