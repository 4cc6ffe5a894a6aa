package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVerifyCommandAndLogAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	cfg := defaultConfig()
	cfg.Data, cfg.BaseURL = dir, "https://miz.test"
	reg, err := openRegistry(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	reg.Validity.Amount, reg.Validity.Unit = 2, "years"
	nums, err := reg.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := reg.Get(ctx, nums[len(nums)-1])
	proof, _ := reg.Proof(ctx, c.Number)
	lk, _ := reg.LogKeys()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jws, jwks, pf, key := write("c.jws", c.JWS), write("jwks.json", string(reg.Keys.JWKS())), write("c.proof", string(proof)), write("log.key", lk[0])
	reg.DB.Close()

	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		var code int
		switch args[0] { // the case lines in main.go are wired separately
		case "verify":
			code = runVerify(ctx, args[1:], &out, &errb)
		case "log":
			code = runLog(ctx, args[1:], &out, &errb)
		}
		return code, out.String() + errb.String()
	}
	if code, out := runVerifyArgs(run, jws, "--proof", pf, "--key", jwks, "--log-key", key); code != 0 || !strings.Contains(out, "OK "+c.Number) {
		t.Fatalf("genuine: %d %s", code, out)
	}
	bad := write("bad.jws", strings.Replace(c.JWS, c.JWS[40:44], "AAAA", 1))
	if code, out := runVerifyArgs(run, bad, "--key", jwks); code != 1 || !strings.Contains(out, "NOT VALID") {
		t.Fatalf("tampered: %d %s", code, out)
	}
	if code, out := runVerifyArgs(run, jws, "--key", write("empty.json", `{"keys":[]}`)); code != 1 || !strings.Contains(out, "unknown key ID") {
		t.Fatalf("unknown kid: %d %s", code, out)
	}
	if code, out := run("log", "audit", "--data", dir); code != 0 || !strings.Contains(out, "all match") {
		t.Fatalf("log audit: %d %s", code, out)
	}
}

// runVerifyArgs runs `miz verify` with args.
func runVerifyArgs(run func(...string) (int, string), args ...string) (int, string) {
	return run(append([]string{"verify"}, args...)...)
}
