package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store/storetest"
)

// TestRollingUpgradeProbe_Issue19 runs bench/upgrade/run.sh --probe: real binaries on
// one PostgreSQL, the old instance's /readyz 200 while the schema is newer only by an
// additive migration, 503 after a breaking one, a third old instance refusing to start.
// It builds three binaries (minutes on the shared machine), so it runs only with
// MIZ_TEST_UPGRADE=1; otherwise it says so and skips.
func TestRollingUpgradeProbe_Issue19(t *testing.T) {
	if os.Getenv("MIZ_TEST_UPGRADE") == "" {
		t.Skip("SKIPPED (rolling upgrade): set MIZ_TEST_UPGRADE=1 to build three binaries and run bench/upgrade/run.sh --probe")
	}
	if os.Getenv(storetest.PostgresURLEnv) == "" {
		t.Fatalf("%s is not set: the rolling upgrade needs PostgreSQL", storetest.PostgresURLEnv)
	}
	cmd := exec.Command("bash", "../../bench/upgrade/run.sh", "--probe") // it reads MIZ_TEST_POSTGRES_URL
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "old B /readyz still 200") ||
		!strings.Contains(string(out), "after the breaking migration 9991 old B /readyz is 503") {
		t.Fatalf("bench/upgrade/run.sh --probe: %v\n%s", err, out)
	}
	t.Log(string(out))
}
