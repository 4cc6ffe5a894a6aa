package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/audit"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// Issue 19 (runbook "signing key compromised"): once the key that signed the audit
// anchors is revoked from a time on, an anchor it signed at or after that time is no
// longer trusted — a thief holding the key could otherwise sign the head of a cut or
// rewritten chain — while anchors it signed before still hold the chain.
func TestAnchorSignedAfterItsKeysCompromiseIsNotTrusted_Issue19(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		an := anchored(t, db)
		seed(t, db, 3)
		first := mustAnchor(t, an)
		time.Sleep(1100 * time.Millisecond) // revocation times count whole seconds
		seed(t, db, 2)
		second := mustAnchor(t, an)
		if !first.At.Before(second.At.Truncate(time.Second)) {
			t.Fatalf("anchors not a second apart: %v %v", first.At, second.At)
		}
		if _, msgs := verifyAll(t, an); len(msgs) != 0 {
			t.Fatalf("untouched chain: %q", msgs)
		}
		old := an.Keys.Active().ID
		if _, err := an.Keys.Rotate(); err != nil {
			t.Fatal(err)
		}
		if _, err := an.Keys.Revoke(old, second.At, "key file copied off the host"); err != nil {
			t.Fatal(err)
		}
		anchors, findings, err := an.Anchors(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(anchors) != 1 || anchors[0].Number != 1 || len(audit.Problems(findings)) != 0 {
			t.Fatalf("after revoking: anchors %+v, findings %+v: want #1 held, #2 untrusted and no problem", anchors, findings)
		}
		var msgs []string
		for _, f := range findings {
			if !f.Untrusted {
				t.Fatalf("finding not marked untrusted: %+v", f)
			}
			msgs = append(msgs, f.Message)
		}
		joined := strings.Join(msgs, "\n")
		for _, want := range []string{
			"anchor #2 in the database: signing key revoked: anchor #2 is signed by key " + old,
			"key file copied off the host",
		} {
			if !strings.Contains(joined, want) {
				t.Fatalf("findings %q lack %q", msgs, want)
			}
		}
		if strings.Contains(joined, "anchor #1 ") {
			t.Fatalf("anchor #1, signed before the compromise, was refused: %q", msgs)
		}
		// The new key anchors the chain again, and that anchor is trusted.
		seed(t, db, 1)
		if a, fresh, err := an.Anchor(context.Background()); err != nil || !fresh || a.Number != 3 {
			t.Fatalf("anchor under the new key: %+v %v %v", a, fresh, err)
		}
	})
}
