package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
)

// publishedHead fetches GET /api/v1/audit/head anonymously and checks its note the way
// an outsider would: with the verifier key alone.
func publishedHead(t *testing.T, m *Main) map[string]any {
	t.Helper()
	resp, err := http.Get(m.URL() + "/api/v1/audit/head")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /api/v1/audit/head: %d %v", resp.StatusCode, err)
	}
	v, err := note.NewVerifier(h["verifier_key"].(string))
	if err != nil {
		t.Fatal(err)
	}
	n, err := note.Open([]byte(h["note"].(string)), note.VerifierList(v))
	if err != nil || !strings.Contains(n.Text, fmt.Sprintf("\nentries %d\nhead %s\n", int64(h["entries"].(float64)), h["head"])) {
		t.Fatalf("published note does not verify or say the head: %v\n%+v", err, h)
	}
	return h
}

// Security #11: `miz audit verify` holds the chain to the heads signed at start, by
// `miz audit anchor` and published on the API, so that a cut tail and a rewritten,
// rehashed chain fail with the entries named; an untouched chain passes.
func TestAuditVerifyCatchesCutAndRewrittenChain(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		ctx := context.Background()
		cfg := m.Config
		at := []string{"--data", cfg.Data, "--db", cfg.DB}
		start := publishedHead(t, m) // signed at start
		kept := filepath.Join(t.TempDir(), "head.txt")
		if err := os.WriteFile(kept, []byte(start["note"].(string)), 0o600); err != nil {
			t.Fatal(err)
		}
		first := int64(start["entries"].(float64))
		apiLogin(t, m, "demo-applicant", "")
		apiLogin(t, m, "demo-applicant", "")
		// The periodic job may have signed the new head already; either way the
		// command prints the anchor covering it.
		out := mustMiz(t, append([]string{"audit", "anchor"}, at...)...)
		var last int64
		if _, err := fmt.Sscanf(out, "anchor #%d", &last); err != nil || last < 2 {
			t.Fatalf("miz audit anchor: %v\n%s", err, out)
		}
		if h := publishedHead(t, m); h["anchor"].(float64) != float64(last) {
			t.Fatalf("published head after anchoring #%d: %v", last, h)
		}
		_ = m.Close()
		res, err := audit.Verify(ctx, openDB(t, cfg), nil)
		if err != nil || res.Entries <= first {
			t.Fatalf("chain %+v %v (start anchored %d)", res, err, first)
		}
		// The periodic job may sign once more between the check above and Close, and
		// entries may follow the newest anchor: hold the test to what was signed last.
		newest, err := (&audit.Anchorer{DB: openDB(t, cfg)}).Latest(ctx)
		if err != nil || newest.Number < last || newest.Entries <= first {
			t.Fatalf("newest anchor %+v %v (miz audit anchor said #%d)", newest, err, last)
		}
		last = newest.Number

		out = mustMiz(t, append([]string{"audit", "verify", "--expect-anchor", kept, "--expect-head", fmt.Sprintf("%d:%s", res.Entries, res.Head)}, at...)...)
		if !strings.Contains(out, fmt.Sprintf("ok: %d entries, matching %d signed anchors and 2 kept heads", res.Entries, last)) || lastLine(out) != res.Head {
			t.Fatalf("untouched chain: %s", out)
		}

		db := openDB(t, cfg)
		tamper(t, db, "DELETE FROM audit_log WHERE seq > ?", first)
		code, out, _ := runMiz(append([]string{"audit", "verify"}, at...)...)
		want := fmt.Sprintf("covers %d: entries %d–%d are missing", newest.Entries, first+1, newest.Entries)
		if code != 1 || !strings.Contains(out, fmt.Sprintf("FAIL: chain has %d entries, anchor #%d signed at ", first, last)) || !strings.Contains(out, want) {
			t.Fatalf("cut tail: exit %d\n%s", code, out)
		}

		for i := first; i < res.Entries; i++ { // the tail written again, rehashed
			if err := db.Update(ctx, func(tx *store.Tx) error {
				return audit.Record(ctx, tx, "system", "auth.login", "account", "1", nil)
			}); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		code, out, _ = runMiz(append([]string{"audit", "verify", "--expect-anchor", kept}, at...)...)
		want = fmt.Sprintf("FAIL: entries %d–%d differ from the anchored chain: anchor #%d signed at ", first+1, newest.Entries, last)
		if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, fmt.Sprintf("(entries 1–%d still match an earlier anchor)", first)) {
			t.Fatalf("rewritten chain: exit %d\n%s", code, out)
		}
	})
}

func openDB(t *testing.T, cfg Config) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), cfg.DB, cfg.Data)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func tamper(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}
