package certify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/tlog"
)

func TestIssuePublishesInTheSameTransaction_Z41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		c := issue(t, r, sampleRequest())
		if c.Number != "CRT-1405-000001" {
			t.Fatalf("number %q", c.Number)
		}
		other := sampleRequest()
		other.ProductName = Bilingual{FA: "حقوق و دستمزد آوا"}
		if got := issue(t, r, other).Number; got != "CRT-1405-000002" {
			t.Fatalf("second number %q", got)
		}
		got, err := r.Get(ctx, "crt1405۰۰۰۰۰۱")
		if err != nil {
			t.Fatal(err)
		}
		if got.ProductName.FA != "سامانه حسابداری سپید" || got.Versions[0] != "4.2" || got.HolderID != "10101234565" {
			t.Fatalf("stored %+v", got)
		}
		if want := time.Date(2028, 4, 4, 6, 30, 0, 0, time.UTC); !got.ExpiresAt.Equal(want) {
			t.Fatalf("expires %v, want %v (two years)", got.ExpiresAt, want)
		}
		payload, kid, err := keys.VerifyJWS(got.JWS, r.Keys.JWKS())
		if err != nil || kid != r.Keys.Active().ID {
			t.Fatalf("jws: %v %s", err, kid)
		}
		cr, _ := ParseCredential(payload)
		if cr.Context[0] != "https://www.w3.org/ns/credentials/v2" || cr.Type[1] != "SoftwareAuthenticityCertificate" ||
			cr.CredentialSubject.Number != c.Number || cr.ValidUntil != "2028-04-04T06:30:00Z" {
			t.Fatalf("credential %s", payload)
		}
		hist, err := r.History(ctx, c.Number)
		if err != nil || len(hist) != 1 || hist[0].Kind != "issue" {
			t.Fatalf("history %v %v", hist, err)
		}
		rec, err := r.Log.Record(ctx, hist[0].TlogIndex)
		if err != nil {
			t.Fatal(err)
		}
		lr, err := ParseLogRecord(rec)
		if err != nil || lr.Number != c.Number || lr.JWSSHA256 != sha256Hex(got.JWS) || lr.Status != Active {
			t.Fatalf("log record %s %v", rec, err)
		}
		// The checkpoint after commit already covers it.
		bundle, err := r.Log.ProofBundle(ctx, hist[0].TlogIndex)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.VerifyProof(bundle, rec, mustVerifier(t, r)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestIssueRollsBackWithTheApproval_Z41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		boom := errors.New("approval failed later in the same transaction")
		err := db.Update(ctx, func(tx *store.Tx) error {
			if _, err := r.Issue(ctx, tx, sampleRequest()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if _, err := r.Get(ctx, "CRT-1405-000001"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rolled-back certificate is visible: %v", err)
		}
		if n, _ := r.Log.Size(ctx); n != 0 {
			t.Fatalf("log has %d records after rollback", n)
		}
		if c := issue(t, r, sampleRequest()); c.Number != "CRT-1405-000001" {
			t.Fatalf("number after rollback %s: a gap", c.Number)
		}
	})
}

func TestIssueRejectsBadRequests(t *testing.T) {
	db := storetest.OpenSQLite(t)
	r, _ := newTestRegistry(t, db)
	for name, mut := range map[string]func(*IssueRequest){
		"bad legal id":     func(q *IssueRequest) { q.HolderID = "10101234560" },
		"no product":       func(q *IssueRequest) { q.ProductName.FA = " \u200c " },
		"no versions":      func(q *IssueRequest) { q.Versions = []string{" "} },
		"unknown category": func(q *IssueRequest) { q.Category = "games" },
		"holder type":      func(q *IssueRequest) { q.HolderType = "robot" },
		"no actor":         func(q *IssueRequest) { q.Actor = "" },
	} {
		req := sampleRequest()
		mut(&req)
		err := db.Update(context.Background(), func(tx *store.Tx) error { _, err := r.Issue(context.Background(), tx, req); return err })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestNewVersionSupersedesTheEarlierCertificate(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, clk := newTestRegistry(t, db)
		old := issue(t, r, sampleRequest())
		clk.Add(24 * time.Hour)
		req := sampleRequest()
		req.Versions = []string{"5.0"}
		req.PreviousNumber = old.Number
		req.ProductName.FA = "سامانه حسابداری سپید" // same product, other spelling
		nw := issue(t, r, req)
		got, _ := r.Get(ctx, old.Number)
		if got.Status != Superseded || got.SupersededBy != nw.Number {
			t.Fatalf("old: %s by %q", got.Status, got.SupersededBy)
		}
		hist, _ := r.History(ctx, old.Number)
		if len(hist) != 2 || hist[1].ToStatus != Superseded || !strings.Contains(hist[1].Reason, nw.Number) {
			t.Fatalf("history %+v", hist)
		}
	})
}

func TestStatusChangesBySigner(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, _ := newTestRegistry(t, db)
		c := issue(t, r, sampleRequest())
		if _, err := change(r, c.Number, Suspended, ""); !errors.Is(err, ErrInvalid) {
			t.Fatalf("suspend without reason: %v", err)
		}
		if _, err := change(r, c.Number, Suspended, "audit pending"); err != nil {
			t.Fatal(err)
		}
		if _, err := change(r, c.Number, Active, "audit passed"); err != nil {
			t.Fatal(err)
		}
		if _, err := change(r, c.Number, Expired, ""); !errors.Is(err, ErrTransition) {
			t.Fatalf("early expiry: %v", err)
		}
		got, err := change(r, c.Number, Revoked, "back door found (R-7)")
		if err != nil || got.Status != Revoked {
			t.Fatal(err)
		}
		if _, err := change(r, c.Number, Active, "oops"); !errors.Is(err, ErrTransition) {
			t.Fatalf("revoked is final: %v", err)
		}
		if _, err := change(r, "CRT-1405-999999", Revoked, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown: %v", err)
		}
		hist, _ := r.History(ctx, c.Number)
		if len(hist) != 4 {
			t.Fatalf("history %+v", hist)
		}
		if n, _ := r.Log.Size(ctx); n != 4 {
			t.Fatalf("log size %d", n)
		}
	})
}

func TestExpiryJobExpiresOnTime(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r, clk := newTestRegistry(t, db)
		c := issue(t, r, sampleRequest())
		runner := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		r.RegisterJobs(runner)
		if n, err := runner.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("ran %d early: %v", n, err)
		}
		clk.Add(c.ExpiresAt.Sub(clk.Now()))
		if n, err := runner.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("ran %d: %v", n, err)
		}
		got, _ := r.Get(ctx, c.Number)
		if got.Status != Expired {
			t.Fatalf("status %s", got.Status)
		}
	})
}

func mustVerifier(t testing.TB, r *Registry) noteVerifier {
	t.Helper()
	v, err := r.Keys.NoteVerifier(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
