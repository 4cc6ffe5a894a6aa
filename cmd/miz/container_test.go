package main

import (
	"archive/tar"
	"context"
	"crypto/rand"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store/storetest"
)

// TestContainerImageBuildsOfflineFromScratch: issue 19, container image. The binary
// builds static (CGO_ENABLED=0, no ELF interpreter), its `miz healthcheck` tells a
// ready Miz from a missing one, and deploy/container/build.sh has podman build the
// image with no network: from scratch, running as a non-root user that owns /data,
// with a HEALTHCHECK that runs `miz healthcheck`; then the image runs and its health
// check is asked (runContainerAndHealthCheck).
func TestContainerImageBuildsOfflineFromScratch(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("SKIPPED (container): -short")
	}
	podman, err := exec.LookPath("podman")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("podman is not installed: .ci/run installs it; the image must be built in CI")
		}
		t.Skip("SKIPPED (container): install podman to build deploy/container/Containerfile")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "miz")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary needs a dynamic loader: it cannot run in an image from scratch")
		}
	}
	f.Close()

	// The health check, against a ready Miz and against nothing.
	cfg := defaultConfig()
	cfg.Addr, cfg.Data = "127.0.0.1:0", t.TempDir()
	m := bootMain(t, cfg, storetest.NewClock(time.Now()))
	if out, err := exec.CommandContext(ctx, bin, "healthcheck", "--addr", strings.TrimPrefix(m.URL(), "http://")).CombinedOutput(); err != nil {
		t.Fatalf("miz healthcheck of a ready Miz: %v\n%s", err, out)
	}
	if out, err := exec.CommandContext(ctx, bin, "healthcheck", "--addr", freeLoopback(t)).CombinedOutput(); err == nil {
		t.Fatalf("miz healthcheck passed with nothing listening:\n%s", out)
	}

	var rb [4]byte
	_, _ = rand.Read(rb[:])
	tag := "localhost/miz-test:" + hex.EncodeToString(rb[:])
	cmd := exec.CommandContext(ctx, "../../deploy/container/build.sh", tag)
	cmd.Env = append(os.Environ(), "MIZ_BIN="+bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("deploy/container/build.sh: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(podman, "rmi", "-f", tag).Run() })
	if !strings.Contains(string(out), "built "+tag) {
		t.Fatalf("build output:\n%s", out)
	}
	out, err = exec.CommandContext(ctx, podman, "image", "inspect", tag).Output()
	if err != nil {
		t.Fatal(err)
	}
	var img []struct {
		Config struct {
			User       string
			Entrypoint []string
		}
		Healthcheck struct{ Test []string }
		History     []struct {
			CreatedBy string `json:"created_by"`
		}
	}
	if err := json.Unmarshal(out, &img); err != nil || len(img) != 1 {
		t.Fatalf("podman image inspect: %v\n%s", err, out)
	}
	c := img[0]
	if c.Config.User == "" || strings.HasPrefix(c.Config.User, "0") || strings.HasPrefix(c.Config.User, "root") {
		t.Fatalf("image runs as %q, want a non-root user", c.Config.User)
	}
	if !strings.Contains(strings.Join(c.Healthcheck.Test, " "), "miz healthcheck") {
		t.Fatalf("image health check: %v", c.Healthcheck.Test)
	}

	// The contents: the binary, the CA bundle, /data owned by the user; nothing else.
	id, err := exec.CommandContext(ctx, podman, "create", "--network=none", tag).Output()
	if err != nil {
		t.Fatalf("podman create: %v", err)
	}
	cid := strings.TrimSpace(string(id))
	defer func() { _ = exec.Command(podman, "rm", "-f", cid).Run() }()
	export := exec.CommandContext(ctx, podman, "export", cid)
	pipe, _ := export.StdoutPipe()
	if err := export.Start(); err != nil {
		t.Fatal(err)
	}
	files := map[string]*tar.Header{}
	tr := tar.NewReader(pipe)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[strings.TrimSuffix(h.Name, "/")] = h
	}
	_ = export.Wait()
	for _, want := range []string{"usr/bin/miz", "etc/ssl/certs/ca-certificates.crt", "etc/passwd", "data/tmp"} {
		if files[want] == nil {
			t.Errorf("image lacks /%s", want)
		}
	}
	if h := files["data"]; h == nil || h.Uid != 65532 {
		t.Errorf("/data in the image: %+v, want owned by uid 65532", h)
	}
	for name := range files {
		if strings.HasPrefix(name, "bin/") || strings.HasPrefix(name, "lib") || name == "usr/bin/sh" {
			t.Errorf("image from scratch carries /%s", name)
		}
	}

	runContainerAndHealthCheck(ctx, t, podman, tag) // container_run_test.go
}
