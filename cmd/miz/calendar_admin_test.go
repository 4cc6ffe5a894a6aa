package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/identity"
)

// TestCalendarHolidaysAPI_SLAClock5 edits the business calendar through the API:
// anyone lists a Jalali year's holidays, only an admin adds, imports and deletes
// them; an import with a bad line names the line and stores nothing; every edit is
// audited with the recompute of open cases (SLA-CLOCK rules 5, 6).
func TestCalendarHolidaysAPI_SLAClock5(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		u := m.URL() + "/api/v1/calendar/holidays"
		totp, _ := identity.TOTPCode(demo.TOTPSecret, time.Now())
		admin, expert := apiLogin(t, m, "demo-admin", totp), apiLogin(t, m, "demo-expert", totp)
		count := func() int {
			resp, out := doJSON(t, "GET", u+"?year=1406", "", "", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("list: %d %v", resp.StatusCode, out)
			}
			return len(out["holidays"].([]any))
		}
		// The demo loaded the official holidays of 1405 (issue 13); 1406 is empty.
		if n := count(); n != 0 {
			t.Fatalf("%d holidays before any edit", n)
		}
		body := `{"date":"۱۴۰۶/۰۱/۰۱","name_fa":"نوروز","name_en":"Nowruz"}`
		if resp, _ := doJSON(t, "POST", u, "", "application/json", body); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("anonymous add: %d", resp.StatusCode)
		}
		if resp, _ := doJSON(t, "POST", u, expert, "application/json", body); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("expert add: %d", resp.StatusCode)
		}
		resp, out := doJSON(t, "POST", u, admin, "application/json", body)
		if resp.StatusCode != http.StatusCreated || out["date"] != "2027-03-21" {
			t.Fatalf("admin add: %d %v", resp.StatusCode, out)
		}
		id := strconv.FormatInt(int64(out["id"].(float64)), 10)
		if resp, out := doJSON(t, "POST", u, admin, "application/json", body); resp.StatusCode != http.StatusConflict {
			t.Fatalf("duplicate add: %d %v", resp.StatusCode, out)
		}
		bad := "date,name_fa,name_en,from,to,province\n1406-01-02,عید,Nowruz 2\n1406-01-32,غلط,Wrong\n"
		resp, out = doJSON(t, "POST", u+"/import", admin, "text/csv", bad, "Accept-Language", "en")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(out["error"].(map[string]any)["message"].(string), "Line 3:") {
			t.Fatalf("bad import: %d %v", resp.StatusCode, out)
		}
		if resp, _ := doJSON(t, "POST", u+"/import", admin, "application/json", `{}`); resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Fatalf("import as JSON: %d", resp.StatusCode)
		}
		if n := count(); n != 1 {
			t.Fatalf("%d holidays after a failed import, want 1", n)
		}
		good := "1406-01-02,عید,Nowruz 2\n1406-01-12,روز جمهوری اسلامی,Islamic Republic Day,10:00,14:30,07\n"
		if resp, out := doJSON(t, "POST", u+"/import", admin, "text/csv", good); resp.StatusCode != http.StatusOK || out["imported"] != float64(2) {
			t.Fatalf("import: %d %v", resp.StatusCode, out)
		}
		if resp, _ := doJSON(t, "DELETE", u+"/"+id, expert, "", ""); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("expert delete: %d", resp.StatusCode)
		}
		if resp, _ := doJSON(t, "DELETE", u+"/"+id, admin, "", ""); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := doJSON(t, "DELETE", u+"/"+id, admin, "", ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("delete again: %d", resp.StatusCode)
		}
		resp, out = doJSON(t, "GET", u+"?year=1406", "", "", "")
		hs := out["holidays"].([]any)
		if len(hs) != 2 || hs[1].(map[string]any)["province"] != "07" || hs[1].(map[string]any)["from"] != "10:00" {
			t.Fatalf("holidays of 1406 = %v", out)
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action IN ('calendar.holiday_added', 'calendar.holiday_deleted') AND actor <> 'system'`); n != 4 {
			t.Fatalf("%d calendar edits audited, want 4", n)
		}
		if n := countWhere(t, m, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.clocks_recomputed' AND actor <> 'system'`); n != 3 {
			t.Fatalf("%d recomputes audited, want 3 (add, import, delete)", n)
		}
	})
}
