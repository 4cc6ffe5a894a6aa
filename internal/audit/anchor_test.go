package audit_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// anchored builds an Anchorer over db with a fresh key ring and an anchor file.
func anchored(t *testing.T, db *store.DB) *audit.Anchorer {
	t.Helper()
	dir := t.TempDir()
	ring, err := keys.Open(filepath.Join(dir, "keys"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &audit.Anchorer{DB: db, Keys: ring, Name: "desk.test/audit", File: filepath.Join(dir, "audit-anchors.log")}
}

func mustAnchor(t *testing.T, an *audit.Anchorer) audit.Anchor {
	t.Helper()
	a, _, err := an.Anchor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func exec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}

// verifyAll checks the chain against every anchor kept, as `miz audit verify` does.
func verifyAll(t *testing.T, an *audit.Anchorer) (audit.VerifyResult, []string) {
	t.Helper()
	ctx := context.Background()
	anchors, findings, err := an.Anchors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, more, err := audit.VerifyAnchored(ctx, an.DB, anchors, nil)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, f := range append(findings, more...) {
		msgs = append(msgs, f.Message)
	}
	return res, msgs
}

func TestUntouchedChainVerifiesAgainstItsAnchors(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		an := anchored(t, db)
		first := mustAnchor(t, an) // an empty chain is anchored too
		seed(t, db, 5)
		second := mustAnchor(t, an)
		again, fresh, err := an.Anchor(ctx)
		if err != nil || fresh || again.Number != second.Number {
			t.Fatalf("anchoring an unchanged head signed a new anchor: %+v %v %v", again, fresh, err)
		}
		if _, err := an.Keys.Rotate(); err != nil { // anchors signed before a rotation keep verifying
			t.Fatal(err)
		}
		seed(t, db, 3)
		third := mustAnchor(t, an)
		if first.Number != 1 || first.Entries != 0 || second.Entries != 5 || third.Number != 3 || third.Entries != 8 {
			t.Fatalf("anchors %+v %+v %+v", first, second, third)
		}
		res, findings := verifyAll(t, an)
		if len(findings) != 0 || res.Entries != 8 || res.Head != third.Head {
			t.Fatalf("untouched chain: %+v %q", res, findings)
		}
		raw, err := os.ReadFile(an.File)
		if err != nil || strings.Count(string(raw), "\nentries ") != 3 {
			t.Fatalf("anchor file: %v\n%s", err, raw)
		}
		latest, err := an.Latest(ctx)
		if err != nil || latest.Number != 3 || !strings.Contains(latest.Note, "\nentries 8\nhead "+third.Head+"\n") {
			t.Fatalf("latest %+v %v", latest, err)
		}
	})
}

// Security #11: cutting the last entries leaves a chain that links perfectly; the
// anchor taken before the cut names the entries that are gone.
func TestCutTailIsReportedAgainstTheAnchor(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		an := anchored(t, db)
		seed(t, db, 6)
		mustAnchor(t, an)
		seed(t, db, 6)
		a := mustAnchor(t, an)
		exec(t, db, "DELETE FROM audit_log WHERE seq > 8")
		if res, err := audit.Verify(ctx, db, nil); err != nil || res.Entries != 8 {
			t.Fatalf("the cut chain links on its own: %+v %v", res, err)
		}
		_, findings := verifyAll(t, an)
		want := fmt.Sprintf("chain has 8 entries, anchor #2 signed at %s covers 12: entries 9–12 are missing", a.At.UTC().Format("2006-01-02 15:04:05Z"))
		if len(findings) != 1 || findings[0] != want {
			t.Fatalf("cut tail: %q, want %q", findings, want)
		}
		if _, _, err := an.Anchor(ctx); !errors.Is(err, audit.ErrNotExtending) {
			t.Fatalf("anchoring the cut chain: %v", err)
		}
	})
}

// Security #11: an entry edited and the chain rehashed from it on (here: the tail
// cut and written again through Record, entry 9 changed) links perfectly too; the
// anchors say which entries changed. Deleting the anchors from the database does not
// help: the file outside it still has them.
func TestRewrittenChainIsReportedAgainstTheAnchors(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		an := anchored(t, db)
		seed(t, db, 8)
		mustAnchor(t, an)
		seed(t, db, 4)
		a := mustAnchor(t, an)
		exec(t, db, "DELETE FROM audit_log WHERE seq > 8")
		for i := 0; i < 4; i++ {
			err := db.Update(ctx, func(tx *store.Tx) error {
				return audit.Record(ctx, tx, "account:1", "case.submit", "case", fmt.Sprint("C", i), map[string]any{"to": "review", "i": i, "forged": i == 0})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if res, err := audit.Verify(ctx, db, nil); err != nil || res.Entries != 12 {
			t.Fatalf("the rehashed chain links on its own: %+v %v", res, err)
		}
		_, findings := verifyAll(t, an)
		if len(findings) != 1 || !strings.HasPrefix(findings[0], "entries 9–12 differ from the anchored chain: anchor #2 signed at "+a.At.UTC().Format("2006-01-02 15:04:05Z")) ||
			!strings.HasSuffix(findings[0], "(entries 1–8 still match an earlier anchor)") {
			t.Fatalf("rewritten chain: %q", findings)
		}

		exec(t, db, "DELETE FROM audit_anchors WHERE id = 1")
		if _, findings := verifyAll(t, an); !strings.Contains(strings.Join(findings, "\n"), "anchor #1 is missing from the database") {
			t.Fatalf("first anchor deleted: %q", findings)
		}
		exec(t, db, "DELETE FROM audit_anchors")
		_, findings = verifyAll(t, an)
		joined := strings.Join(findings, "\n")
		for _, want := range []string{"anchor #1 is in " + an.File + " but not in the database", "anchor #2 is in " + an.File + " but not in the database", "entries 9–12 differ"} {
			if !strings.Contains(joined, want) {
				t.Fatalf("anchors deleted from the database: %q lacks %q", joined, want)
			}
		}
	})
}

// An anchor every entry pins a rewrite down to the entry; later anchors fail from
// the same entry on.
func TestRewriteNamesTheEntryBetweenAdjacentAnchors(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		an := anchored(t, db)
		for i := 0; i < 4; i++ {
			seed(t, db, 1)
			mustAnchor(t, an)
		}
		exec(t, db, "DELETE FROM audit_log WHERE seq >= 3")
		for i := 0; i < 2; i++ {
			if err := db.Update(ctx, func(tx *store.Tx) error {
				return audit.Record(ctx, tx, "account:2", "case.submit", "case", "X", nil)
			}); err != nil {
				t.Fatal(err)
			}
		}
		_, findings := verifyAll(t, an)
		if len(findings) != 2 || !strings.HasPrefix(findings[0], "entry 3 differs from the anchored chain: anchor #3") ||
			!strings.HasPrefix(findings[1], "entries 3–4 differ from the anchored chain: anchor #4") {
			t.Fatalf("rewrite from entry 3: %q", findings)
		}
	})
}

// A row slipped into audit_anchors without the key, or a note edited, does not pass.
func TestForgedAnchorIsReported(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		an := anchored(t, db)
		seed(t, db, 3)
		mustAnchor(t, an)
		other := anchored(t, db) // another ring: not the desk's key
		exec(t, db, "DELETE FROM audit_anchors")
		forged := mustAnchor(t, other)
		exec(t, db, "UPDATE audit_anchors SET id = 2")
		exec(t, db, "INSERT INTO audit_anchors (id, entries, head, note, created_at) VALUES (1, 3, ?, ?, 0)", forged.Head,
			strings.Replace(forged.Note, "anchor 1", "anchor 2", 1))
		_, findings := verifyAll(t, an)
		joined := strings.Join(findings, "\n")
		for _, want := range []string{"anchor #1 in the database: signature does not verify under the key ring",
			"anchor #2 in the database: signature does not verify under the key ring"} {
			if !strings.Contains(joined, want) {
				t.Fatalf("forged anchors: %q lacks %q", joined, want)
			}
		}
	})
}

// An operator who kept a head (count:hash, or the signed note) can hold the chain to it.
func TestExpectedHeadIsChecked(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		an := anchored(t, db)
		seed(t, db, 4)
		res, err := audit.Verify(ctx, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		kept, err := audit.ParseExpectedHead(fmt.Sprintf("4:%s", strings.ToUpper(res.Head)), "--expect-head")
		if err != nil {
			t.Fatal(err)
		}
		a := mustAnchor(t, an)
		notes, findings := an.ReadNotes([]byte(strings.TrimSuffix(a.Note, "\n")), "head.txt")
		if len(findings) != 0 || len(notes) != 1 || notes[0].Entries != 4 {
			t.Fatalf("kept note: %+v %q", notes, findings)
		}
		if _, f, err := audit.VerifyAnchored(ctx, db, append(notes, kept), nil); err != nil || len(f) != 0 {
			t.Fatalf("untouched: %v %v", f, err)
		}
		exec(t, db, "DELETE FROM audit_log WHERE seq = 4")
		_, f, err := audit.VerifyAnchored(ctx, db, []audit.Anchor{kept}, nil)
		if err != nil || len(f) != 1 || f[0].Message != "chain has 3 entries, the expected head (--expect-head) covers 4: entry 4 is missing" {
			t.Fatalf("cut: %v %v", f, err)
		}
		for _, bad := range []string{"4", "x:" + res.Head, "4:abc", "-1:" + res.Head} {
			if _, err := audit.ParseExpectedHead(bad, "--expect-head"); err == nil {
				t.Fatalf("accepted %q", bad)
			}
		}
		if _, f := an.ReadNotes([]byte("desk.test/audit\nanchor 1\n"), "cut.txt"); len(f) != 1 || !strings.Contains(f[0].Message, "cut short") {
			t.Fatalf("truncated note: %v", f)
		}
	})
}
