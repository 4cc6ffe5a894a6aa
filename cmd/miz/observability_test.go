package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// promtoolBinary finds promtool (Debian's prometheus package); without it the test
// fails under CI and is skipped, with the reason, elsewhere.
func promtoolBinary(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("promtool"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("promtool is not installed: .ci/run installs prometheus; the alert rules must be checked in CI")
	}
	t.Skip("SKIPPED (promtool): install Debian's prometheus to check deploy/prometheus/miz-rules.yml")
	return ""
}

// TestAlertRulesPassPromtool: `promtool check rules` accepts the alert rules, and their
// unit tests (an SLA breach, an old backup, an outage fire; nothing fires early) pass.
func TestAlertRulesPassPromtool(t *testing.T) {
	t.Parallel()
	bin := promtoolBinary(t)
	for _, args := range [][]string{{"check", "rules", "miz-rules.yml"}, {"test", "rules", "miz-rules.test.yml"}} {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = "../../deploy/prometheus"
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// metricNames lists the metric names an expression file mentions.
var metricName = regexp.MustCompile(`\b(?:miz|process|go)_[a-z0-9_]+\b`)

// TestDashboardAndAlertsUseMetricsMizExports: issue 19, observability. Every metric
// name in deploy/prometheus/miz-rules.yml and deploy/grafana/miz.json is in the
// /metrics of a running Miz (on its --metrics-addr) with cases in its queues and a
// drilled backup; `up` is Prometheus's own.
func TestDashboardAndAlertsUseMetricsMizExports(t *testing.T) {
	t.Parallel()
	m := startDemoWith(t, "", func(c *Config) {
		c.MetricsAddr, c.BackupDir, c.BaseURL = "127.0.0.1:0", t.TempDir(), "https://desk.example.ir"
	})
	if err := scheduledBackup(context.Background(), m.DB, m.Config, func(string, ...any) {}); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(m.URL() + "/status"); err == nil { // one request for the HTTP metrics
		resp.Body.Close()
	}
	resp, err := http.Get("http://" + m.mln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	exported := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		exported[name] = true
	}
	rules, err := os.ReadFile("../../deploy/prometheus/miz-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	dash, err := os.ReadFile("../../deploy/grafana/miz.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(dash, &d); err != nil || len(d.Panels) == 0 {
		t.Fatalf("deploy/grafana/miz.json: %v (%d panels)", err, len(d.Panels))
	}
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("dashboard panel %q has no query", p.Title)
		}
	}
	var missing []string
	for file, text := range map[string]string{"miz-rules.yml": string(rules), "miz.json": string(dash)} {
		used := metricName.FindAllString(text, -1)
		if len(used) < 5 {
			t.Fatalf("%s names only %v", file, used)
		}
		for _, name := range used {
			if !exported[name] {
				missing = append(missing, file+": "+name)
			}
		}
	}
	for _, want := range []string{"miz_cases_overdue", "miz_queue_oldest_age_seconds", "miz_service_state", "miz_jobs", "miz_backup_newest_good_age_seconds"} {
		if !strings.Contains(string(rules), want) {
			missing = append(missing, "miz-rules.yml does not watch "+want)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("metrics used but not exported:\n%s", strings.Join(missing, "\n"))
	}
}
