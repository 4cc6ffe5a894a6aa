package api

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/constituent"
	"github.com/itoir/miz/internal/cert/csaf"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/cert/warning"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestAdvisoriesAPIConstituentMarksApplied_A45: an organisation lists published
// advisories as pending, marks one applied over the API (it moves to applied with
// the time), cannot mark an unknown one, and withdraws the mark; a person with no
// organisation is refused.
func TestAdvisoriesAPIConstituentMarksApplied_A45(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := storetest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
		b := fixtures.New(t, db, clock)
		editors := map[string][]identity.Role{advisory.ServiceID: {identity.Editor}}
		author, second := b.Staff("author", editors), b.Staff("second", editors)
		ca := &caseAPI{t: t, now: clock.Now()}
		ca.org = b.OrgApplicant("bank", "legal")
		citizen := b.Applicant("citizen")
		signer, err := csaf.LoadOrCreateSigner(t.TempDir(), clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
		if err != nil {
			t.Fatal(err)
		}
		advs := &advisory.Service{DB: db, Docs: docs, Signer: signer, Now: clock.Now, Version: "test",
			BaseURL: func() string { return "https://desk.example" }}
		id, err := advs.Save(ctx, author, 0, advisory.Input{Content: advisory.Content{TLP: tlp.Clear, Severity: advisory.High,
			TitleFa: "توصیه", SummaryFa: "خلاصه", RemediationFa: "راهکار", Products: []advisory.Product{{Name: "Sample", Versions: []string{"1.0"}}}}})
		if err == nil {
			err = advs.Submit(ctx, author, id)
		}
		if err != nil {
			t.Fatal(err)
		}
		tracking, err := advs.Publish(ctx, second, id)
		if err != nil {
			t.Fatal(err)
		}
		a := &API{Log: slog.New(slog.DiscardHandler), Advisories: advs,
			Proactive: &Proactive{Constituents: &constituent.Service{DB: db, Now: clock.Now}, Warnings: &warning.Service{DB: db, Now: clock.Now}}}
		mux := http.NewServeMux()
		a.Routes(mux)
		ca.h = mux

		count := func(body map[string]any, key string) int { l, _ := body[key].([]any); return len(l) }
		st, body := ca.json(ca.org, "GET", "/api/v1/org/advisories", "")
		if st != 200 || count(body, "pending") != 1 || count(body, "applied") != 0 {
			t.Fatalf("list before: %d %v", st, body)
		}
		if st, body = ca.json(citizen, "POST", "/api/v1/org/advisories/"+tracking+"/applied", `{}`); st != http.StatusForbidden {
			t.Fatalf("no organisation: %d %v", st, body)
		}
		if st, body = ca.json(ca.org, "POST", "/api/v1/org/advisories/NO-SUCH/applied", `{}`); st != http.StatusNotFound {
			t.Fatalf("unknown advisory: %d %v", st, body)
		}
		st, body = ca.json(ca.org, "POST", "/api/v1/org/advisories/"+tracking+"/applied", `{"note":"patched"}`)
		if st != 200 || body["applied"] != true || body["applied_at"] != "2026-12-01T11:30:00+03:30" {
			t.Fatalf("mark applied: %d %v", st, body)
		}
		st, body = ca.json(ca.org, "GET", "/api/v1/org/advisories", "")
		if st != 200 || count(body, "pending") != 0 || count(body, "applied") != 1 {
			t.Fatalf("list after: %d %v", st, body)
		}
		if st, body = ca.json(ca.org, "DELETE", "/api/v1/org/advisories/"+tracking+"/applied", ""); st != 200 || body["applied"] != false {
			t.Fatalf("withdraw: %d %v", st, body)
		}
		if st, body = ca.json(ca.org, "GET", "/api/v1/org/advisories", ""); count(body, "pending") != 1 {
			t.Fatalf("list after withdrawing: %d %v", st, body)
		}
	})
}
