package audit

import "testing"

// TestAccountActorSpellsTheAccount: every package names an account in the audit log
// the same way, which readers of the log (complaints' caseref) parse back.
func TestAccountActorSpellsTheAccount(t *testing.T) {
	if got := AccountActor(42); got != "account:42" {
		t.Fatalf("AccountActor(42) = %q", got)
	}
}
