package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestStepTargetBreachesAcrossARestart_14: an incident reported at 03:00 Tehran time
// has a 30-minute first-response target inside its 24×7 clock. The server stops
// before the target runs out and a new one starts on the same data 31 minutes
// later: the breach is recorded exactly once and the supervisor is alerted, although
// no process was running when the target ran out (issue 14, "tested across a
// restart").
func TestStepTargetBreachesAcrossARestart_14(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		clk := storetest.NewClock(time.Date(2026, 11, 22, 3, 0, 0, 0, jalali.Tehran())) // Sunday 03:00
		m := bootAt(t, dbURL, data, clk)
		tok := apiLogin(t, m, demo.OrgNationalID, "")
		resp, out := doJSON(t, "POST", m.URL()+"/api/v1/cases", tok, "application/json",
			`{"service":"cert","kind":"incident","form":{"summary":"باج‌افزار روی سرور پرونده‌ها","tlp":"amber"}}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("report: %d %v", resp.StatusCode, out)
		}
		code := out["tracking_code"].(string)
		if resp, out = doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/submit", tok, "application/json", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("submit: %d %v", resp.StatusCode, out)
		}
		breaches := `SELECT COUNT(*) FROM audit_log WHERE action = 'case.step_breach' AND object_id = ?`
		clk.Add(29 * time.Minute)
		if _, err := m.Runner.RunDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, m, breaches, code); n != 0 {
			t.Fatalf("breached after 29 minutes (%d)", n)
		}
		_ = m.Close()

		clk.Add(2 * time.Minute) // 31 minutes unanswered, while no server ran
		m = bootAt(t, dbURL, data, clk)
		runDueUntil(t, m, 1, breaches, code)
		alerts := `SELECT COUNT(*) FROM notifications n JOIN accounts a ON a.id = n.account_id
			WHERE a.username = 'demo-supervisor' AND n.link = ? AND n.title_en LIKE 'Step overdue%'`
		runDueUntil(t, m, 1, alerts, "/cases/"+code)
		if _, err := m.Runner.RunDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, m, breaches, code); n != 1 {
			t.Fatalf("%d step breaches after a second run, want exactly 1", n)
		}
	})
}
