package catalogdb_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

func TestSeedPublishesDefaultsAsVersionOneOnce_C46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		srcs, _ := catalog.DefaultSources()
		if err := f.st.Seed(ctx, srcs); err != nil { // a restart seeds nothing twice
			t.Fatal(err)
		}
		svcs, err := f.st.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(svcs) != 2 || svcs[0].ID != "certify" || svcs[1].ID != "cert" {
			t.Fatalf("List = %v, want certify and cert", svcs)
		}
		h, err := f.st.History(ctx, "certify")
		if err != nil || len(h) != 1 || h[0].Number != 1 || h[0].Status != catalogdb.StatusPublished {
			t.Fatalf("History = %+v, %v", h, err)
		}
		if !strings.Contains(h[0].YAML, "# 1400/01/01") {
			t.Error("seeded YAML lost its comments")
		}
		if _, err := f.st.Catalog(ctx, "nope", 0); problem.As(err).Code != problem.Invalid {
			t.Errorf("unknown service: %v, want the engine's unknown-service problem", err)
		}
		if _, err := f.st.Version(ctx, "certify", 9); problem.As(err).Code != problem.NotFound {
			t.Errorf("unknown version: %v, want NotFound", err)
		}
	})
}

func TestDraftWithYAMLErrorCannotBeSubmitted(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		bad := draftV2(t) + "bogus_field: 1\n"
		v, err := f.st.CreateDraft(ctx, f.editor, "certify", bad)
		if err != nil {
			t.Fatalf("an invalid draft can still be saved: %v", err)
		}
		if v.Number != 2 || v.Status != catalogdb.StatusDraft {
			t.Fatalf("draft = v%d %s", v.Number, v.Status)
		}
		wantLine := strings.Count(bad, "\n")
		probs := v.Problems()
		if len(probs) != 1 || probs[0].Line != wantLine || !strings.Contains(probs[0].Message, "bogus_field") {
			t.Fatalf("problems = %v, want one on line %d", probs, wantLine)
		}
		err = f.st.Submit(ctx, f.editor, "certify", 2)
		var ve *catalog.ValidationError
		if problem.As(err).Key != "catalog.draft.invalid" || !errors.As(err, &ve) || ve.Problems[0].Line != wantLine {
			t.Fatalf("Submit = %v, want the problems with their lines", err)
		}
		// A wrong version number is a problem too, on its own line.
		v, err = f.st.UpdateDraft(ctx, f.editor, "certify", 2, strings.Replace(draftV2(t), "version: 2", "version: 7", 1))
		if err != nil {
			t.Fatal(err)
		}
		if p := v.Problems(); len(p) != 1 || p[0].Line != 4 {
			t.Fatalf("version mismatch problems = %v, want line 4", p)
		}
		if _, err := f.st.UpdateDraft(ctx, f.editor, "certify", 2, draftV2(t)); err != nil {
			t.Fatal(err)
		}
		if err := f.st.Submit(ctx, f.editor, "certify", 2); err != nil {
			t.Fatalf("a corrected draft is submitted: %v", err)
		}
		if _, err := f.st.CreateDraft(ctx, f.alice, "certify", ""); problem.As(err).Code != problem.Forbidden {
			t.Errorf("applicant drafting: %v, want Forbidden", err)
		}
	})
}

func TestAuthorCannotPublishOwnDraft_FourEyes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := f.st.CreateDraft(ctx, f.admin, "certify", draftV2(t)); err != nil {
			t.Fatal(err)
		}
		if err := f.st.Submit(ctx, f.admin, "certify", 2); err != nil {
			t.Fatal(err)
		}
		in := catalogdb.PublishInput{EffectiveFrom: catalog.Date{Year: 2026, Month: 11, Day: 22},
			Summary: catalog.Text{FA: "مدارک تازه", EN: "New documents"}}
		if _, err := f.st.Publish(ctx, f.admin, "certify", 2, in); problem.As(err).Key != "catalog.publish.own" {
			t.Fatalf("author publishing: %v, want catalog.publish.own", err)
		}
		if _, err := f.st.Publish(ctx, f.editor, "certify", 2, in); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("editor publishing: %v, want Forbidden", err)
		}
		past := in
		past.EffectiveFrom.Day = 1
		if _, err := f.st.Publish(ctx, f.supervisor, "certify", 2, past); problem.As(err).Key != "catalog.publish.past" {
			t.Fatalf("retroactive publication: %v", err)
		}
		if _, err := f.st.Publish(ctx, f.supervisor, "certify", 2, in); err != nil {
			t.Fatalf("another supervisor publishes: %v", err)
		}
		if _, err := f.st.Publish(ctx, f.supervisor, "certify", 2, in); problem.As(err).Code != problem.Conflict {
			t.Fatalf("publishing twice: %v, want Conflict", err)
		}
	})
}

func TestPublishNotifiesOnlyApplicantsWithCasesInFlight_C46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		addCase(t, db, f.alice, "certify", 1, false) // in flight: told
		addCase(t, db, f.bob, "certify", 1, true)    // closed: not told
		addCase(t, db, f.carol, "cert", 1, false)    // another service: not told
		publishV2(t, f)
		var inApp, mail []int64
		err := db.View(ctx, func(tx *store.Tx) error {
			for q, dst := range map[string]*[]int64{
				`SELECT account_id FROM notifications ORDER BY account_id`:                                                &inApp,
				`SELECT a.id FROM outbox o JOIN accounts a ON a.email = o.recipient WHERE o.ref_kind = 'service_version'`: &mail,
			} {
				rows, err := tx.Query(ctx, q)
				if err != nil {
					return err
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						return err
					}
					*dst = append(*dst, id)
				}
				rows.Close()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(inApp) != 1 || inApp[0] != f.alice.ID || len(mail) != 1 || mail[0] != f.alice.ID {
			t.Fatalf("told in-app %v and by mail %v; want only alice (%d)", inApp, mail, f.alice.ID)
		}
		ch, err := f.st.Changes(ctx, 10)
		if err != nil || len(ch) != 1 || ch[0].Notified != 1 || ch[0].Summary.EN != "New documents" || ch[0].Name.EN == "" {
			t.Fatalf("changes = %+v, %v", ch, err)
		}
		var n int
		_ = db.View(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'catalog.publish'`).Scan(&n)
		})
		if n != 1 {
			t.Errorf("audit entries for the publication = %d, want 1", n)
		}
	})
}

// publishV2 drafts, submits and publishes CERTIFY v2, effective on 22 November.
func publishV2(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	text := strings.Replace(draftV2(t), "max_visits: 0", "max_visits: 1", 1)
	if _, err := f.st.CreateDraft(ctx, f.editor, "certify", text); err != nil {
		t.Fatal(err)
	}
	if err := f.st.Submit(ctx, f.editor2, "certify", 2); err != nil {
		t.Fatal(err)
	}
	_, err := f.st.Publish(ctx, f.supervisor, "certify", 2, catalogdb.PublishInput{
		EffectiveFrom: catalog.Date{Year: 2026, Month: 11, Day: 22}, Summary: catalog.Text{FA: "یک مراجعه حضوری", EN: "New documents"}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCurrentFollowsEffectiveDateAndOldVersionsStay_C46(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		other := catalogdb.New(db) // a second instance sharing the database
		other.Now = f.clock.Now
		if svc, err := other.Current(ctx, "certify"); err != nil || svc.Version != 1 {
			t.Fatalf("before: %v %v", svc, err)
		}
		publishV2(t, f)
		for _, st := range []*catalogdb.Store{f.st, other} {
			if svc, _ := st.Current(ctx, "certify"); svc.Version != 1 {
				t.Fatalf("v2 is in force before its effective date")
			}
		}
		f.clock.Set(tehranDay(22))
		for _, st := range []*catalogdb.Store{f.st, other} {
			svc, err := st.Catalog(ctx, "certify", 0)
			if err != nil || svc.Version != 2 || svc.MaxVisits != 1 || svc.EffectiveFrom.String() != "2026-11-22" {
				t.Fatalf("after: %+v %v", svc, err)
			}
			old, err := st.Catalog(ctx, "certify", 1)
			if err != nil || old.Version != 1 || old.MaxVisits != 0 {
				t.Fatalf("a case begun under v1 still resolves v1: %v", err)
			}
		}
		h, _ := f.st.History(ctx, "certify")
		if len(h) != 2 || h[0].Number != 2 || !strings.Contains(h[0].YAML, "effective_from: 2026-11-22") {
			t.Fatalf("history = %+v", h)
		}
	})
}
