package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/feed"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestWarningsAPIClaimAcknowledgeFixVerify_M43_A46: an organisation claims a range
// over the API (a malformed one is a 400 naming the field), a feed raises a warning
// it lists, acknowledges and reports fixed; another organisation cannot see it; CERT
// staff list every warning and close it.
func TestWarningsAPIClaimAcknowledgeFixVerify_M43_A46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
		b := fixtures.New(t, db, clock)
		ca := &caseAPI{t: t, now: clock.Now()}
		ca.org = b.OrgApplicant("bank", "legal")
		ca.outside = b.OrgApplicant("other", "legal")
		analyst := b.Staff("analyst", map[string][]identity.Role{"cert": {identity.Analyst}})
		cons := &constituent.Service{DB: db, Now: clock.Now}
		warns := &warning.Service{DB: db, Now: clock.Now}
		a := &API{Log: slog.New(slog.DiscardHandler), Proactive: &Proactive{Constituents: cons, Warnings: warns}}
		mux := http.NewServeMux()
		a.Routes(mux)
		ca.h = mux

		st, body := ca.json(ca.org, "POST", "/api/v1/org/assets", `{"kind":"prefix","value":"192.0.2.0/33"}`)
		if e, _ := body["error"].(map[string]any); st != http.StatusBadRequest || e["field"] != "value" {
			t.Fatalf("malformed range: %d %v", st, body)
		}
		st, body = ca.json(ca.org, "POST", "/api/v1/org/assets", `{"kind":"prefix","value":"192.0.2.0/24"}`)
		if st != http.StatusCreated {
			t.Fatalf("claim: %d %v", st, body)
		}
		if err := cons.Decide(ctx, analyst, int64(body["id"].(float64)), true, ""); err != nil {
			t.Fatal(err)
		}
		st, body = ca.json(ca.org, "GET", "/api/v1/org/assets", "")
		if items, _ := body["items"].([]any); st != 200 || len(items) != 1 || items[0].(map[string]any)["status"] != "verified" {
			t.Fatalf("assets: %d %v", st, body)
		}
		fs := &feed.Service{DB: db, Now: clock.Now}
		if _, err := fs.Import(ctx, analyst, strings.NewReader("ip,port,tag\n192.0.2.7,23,telnet\n"),
			feed.Options{Filename: "scan_telnet.csv", Source: feed.SourceCLI}); err != nil {
			t.Fatal(err)
		}
		st, body = ca.json(ca.org, "GET", "/api/v1/org/warnings", "")
		items, _ := body["items"].([]any)
		if st != 200 || len(items) != 1 {
			t.Fatalf("warnings: %d %v", st, body)
		}
		w := items[0].(map[string]any)
		if ev := w["evidence"].(map[string]any); ev["ip"] != "192.0.2.7" || ev["port"].(float64) != 23 || w["notify_due"] == nil {
			t.Fatalf("warning = %v", w)
		}
		path := "/api/v1/org/warnings/" + strconv.FormatInt(int64(w["id"].(float64)), 10)
		if st, _ := ca.json(ca.outside, "POST", path+"/acknowledge", ""); st != http.StatusNotFound {
			t.Fatalf("another organisation acknowledged: %d", st)
		}
		if st, body = ca.json(ca.org, "POST", path+"/acknowledge", ""); st != 200 || body["state"] != "acknowledged" {
			t.Fatalf("acknowledge: %d %v", st, body)
		}
		if st, _ = ca.json(ca.org, "POST", path+"/acknowledge", ""); st != http.StatusConflict {
			t.Fatalf("acknowledged twice: %d", st)
		}
		if st, body = ca.json(ca.org, "POST", path+"/fixed", `{"note":"telnet off"}`); st != 200 || body["state"] != "fixed_claimed" {
			t.Fatalf("fixed: %d %v", st, body)
		}
		if st, _ = ca.json(ca.org, "GET", "/api/v1/cert/warnings", ""); st != http.StatusForbidden {
			t.Fatalf("constituent listed every warning: %d", st)
		}
		if st, body = ca.json(analyst, "GET", "/api/v1/cert/warnings", ""); st != 200 || len(body["items"].([]any)) != 1 {
			t.Fatalf("staff list: %d %v", st, body)
		}
		verify := strings.Replace(path, "/org/", "/cert/", 1) + "/verify"
		if st, body = ca.json(analyst, "POST", verify, ""); st != 200 || body["state"] != "closed" || body["closure"] != "staff_verified" {
			t.Fatalf("verify: %d %v", st, body)
		}
	})
}
