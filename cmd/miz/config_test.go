package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestConfigPrecedenceFileEnvFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "miz.yaml")
	if err := os.WriteFile(file, []byte("addr: 127.0.0.1:9000\nsmtp_from: file@example.org\nsession_ttl: 2h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "pw")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MIZ_SMTP_FROM": "env@example.org", "MIZ_SMTP_PASSWORD_FILE": secret, "MIZ_DATA": "/env/data"}
	cfg, _, err := loadConfig("serve", []string{"--config", file, "--data", "/flag/data"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9000" || cfg.SMTPFrom != "env@example.org" || cfg.Data != "/flag/data" ||
		cfg.SMTPPassword != "s3cret" || cfg.Session != 2*time.Hour {
		t.Fatalf("precedence wrong: %+v", cfg)
	}
}

func TestConfigRejectsUnknownFileKeys(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "miz.yaml")
	_ = os.WriteFile(file, []byte("adr: typo\n"), 0o600)
	if _, _, err := loadConfig("serve", []string{"--config", file}, func(string) string { return "" }); err == nil {
		t.Fatal("unknown key accepted")
	}
}
