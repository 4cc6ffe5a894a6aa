package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cert/advisory"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// csafChecker finds gocsaf's csaf_checker: $MIZ_TEST_CSAF_CHECKER, else on PATH.
// In CI its absence fails the test; elsewhere the test says why it skips.
func csafChecker(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MIZ_TEST_CSAF_CHECKER"); p != "" {
		return p
	}
	if p, err := exec.LookPath("csaf_checker"); err == nil {
		return p
	}
	msg := "csaf_checker not found: go install github.com/gocsaf/csaf/v3/cmd/csaf_checker@v3.7.0 and set MIZ_TEST_CSAF_CHECKER"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// freeAddr picks a loopback port, so that the base URL can name it before start.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// advisoryEditor stores a staff account with the cert service's editor role on a
// running server (fixtures.New would swap the database's clock under its runner).
func advisoryEditor(t *testing.T, m *Main, username string) *identity.Principal {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := m.DB.Update(ctx, func(tx *store.Tx) (err error) {
		if id, err = identity.CreateAccount(ctx, tx, identity.NewAccount{Username: username, Kind: identity.KindStaff, DisplayName: username}); err != nil {
			return err
		}
		return identity.Grant(ctx, tx, id, advisory.ServiceID, identity.Editor)
	})
	if err != nil {
		t.Fatal(err)
	}
	return demoPrincipal(t, m, username)
}

// TestCSAFTrustedProviderPassesChecker_M41 is the gate of issue 16: Miz serves
// HTTPS (self-signed), publishes CLEAR and GREEN advisories through the four-eyes
// workflow, and gocsaf's csaf_checker, run against it, reports the role
// csaf_trusted_provider passed. The checker always exits 0, so its JSON is read.
func TestCSAFTrustedProviderPassesChecker_M41(t *testing.T) {
	checker := csafChecker(t)
	dir := t.TempDir()
	certFile, keyFile := selfSignedCert(t, dir)
	addr := freeAddr(t)
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.TLSCert, cfg.TLSKey, cfg.BaseURL = addr, filepath.Join(dir, "data"), certFile, keyFile, "https://"+addr
	clk := storetest.NewClock(time.Now().Add(-time.Hour))
	m := bootMain(t, cfg, clk)
	ctx := context.Background()
	author, reviewer := advisoryEditor(t, m, "csaf-author"), advisoryEditor(t, m, "csaf-reviewer")
	for i, label := range []tlp.Level{tlp.Clear, tlp.Green, tlp.Clear, tlp.Amber} {
		in := advisory.Input{Content: advisory.Content{TLP: label, Severity: advisory.High,
			TitleFa: fmt.Sprintf("آسیب‌پذیری شماره %d در سرور نمونه", i+1), TitleEn: fmt.Sprintf("Sample server flaw %d", i+1),
			SummaryFa: "اجرای کد از راه دور.", RemediationFa: "به‌روزرسانی کنید.",
			Products: []advisory.Product{{Name: "Sample httpd", Versions: []string{"2.4.1"}}},
			CVEs:     []string{fmt.Sprintf("CVE-2026-%04d", 1000+i)}, CVSS: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
			References: []string{"https://example.org/a"}}}
		id, err := m.Advisories.Save(ctx, author, 0, in)
		if err == nil {
			err = m.Advisories.Submit(ctx, author, id)
		}
		if err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Minute)
		if _, err := m.Advisories.Publish(ctx, reviewer, id); err != nil {
			t.Fatal(err)
		}
		if i == 0 { // a second revision keeps the history in the document
			in.ChangeNote = "نسخه اصلاحی"
			if _, err = m.Advisories.Save(ctx, author, id, in); err == nil {
				err = m.Advisories.Submit(ctx, author, id)
			}
			clk.Add(time.Minute)
			if _, err2 := m.Advisories.Publish(ctx, reviewer, id); err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
		}
	}
	d := runChecker(t, checker, dir, "anonymous", addr)
	if d.Role != "csaf_trusted_provider" || !d.Passed {
		t.Fatalf("csaf_checker did not pass Miz as a trusted provider")
	}
	for _, r := range d.Reqs {
		if msg := r.firstError(); msg != "" && r.Num != 10 { // 10: no DNS name for 127.0.0.1; 9 serves instead
			t.Errorf("requirement %d fails: %s", r.Num, msg)
		}
	}
	// A constituent's token also reaches the GREEN and AMBER documents and their
	// directories: they validate, their hashes and signatures check, the AMBER ones
	// are refused without the token (requirement 5) and the WHITE ones are not (4).
	tok := constituentToken(t, m)
	d = runChecker(t, checker, dir, "constituent", "-H", "Authorization: Bearer "+tok, addr)
	if !d.Passed {
		t.Errorf("signed in as a constituent, csaf_checker did not pass Miz")
	}
	for _, r := range d.Reqs {
		if msg := r.firstError(); msg != "" && r.Num != 10 { // 10: no DNS name for 127.0.0.1
			t.Errorf("signed in as a constituent, requirement %d fails: %s", r.Num, msg)
		}
	}
}

// checkerDomain is one domain of csaf_checker's JSON report.
type checkerDomain struct {
	Name   string       `json:"name"`
	Passed bool         `json:"passed"`
	Role   string       `json:"role"`
	Reqs   []checkerReq `json:"requirements"`
}

// checkerReq is one requirement's verdict.
type checkerReq struct {
	Num      int    `json:"num"`
	Desc     string `json:"description"`
	Messages []struct {
		Type int    `json:"type"` // 0 info, 1 warning, 2 error
		Text string `json:"text"`
	} `json:"messages"`
}

func (r checkerReq) firstError() string {
	for _, msg := range r.Messages {
		if msg.Type == 2 {
			return msg.Text
		}
	}
	return ""
}

// runChecker runs csaf_checker with args and returns its report's one domain,
// logging each requirement's verdict.
func runChecker(t *testing.T, checker, dir, name string, args ...string) checkerDomain {
	t.Helper()
	report := filepath.Join(dir, name+"-report.json")
	cmd := exec.Command(checker, append([]string{"--insecure", "-f", "json", "-o", report}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir) // no stray checker.toml from the host
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("csaf_checker: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("csaf_checker wrote no report: %v\n%s", err, out)
	}
	var rep struct {
		Domains []checkerDomain `json:"domains"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil || len(rep.Domains) != 1 {
		t.Fatalf("report: %v\n%s", err, raw)
	}
	d := rep.Domains[0]
	var summary []string
	for _, r := range d.Reqs {
		verdict := "ok"
		if msg := r.firstError(); msg != "" {
			verdict = "ERROR: " + msg
		}
		summary = append(summary, fmt.Sprintf("  %2d %-45s %s", r.Num, r.Desc, verdict))
	}
	t.Logf("csaf_checker (%s) on %s: role %s, passed %v\n%s", name, d.Name, d.Role, d.Passed, strings.Join(summary, "\n"))
	if !d.Passed {
		t.Logf("report:\n%s", raw)
	}
	return d
}

// constituentToken makes an organisation account and an API token for it.
func constituentToken(t *testing.T, m *Main) string {
	t.Helper()
	ctx := context.Background()
	var tok string
	err := m.DB.Update(ctx, func(tx *store.Tx) error {
		org, err := identity.CreateOrganization(ctx, tx, identity.Organization{NationalID: "10101234565", Kind: "government", NameFa: "سازمان عضو"})
		if err != nil {
			return err
		}
		id, err := identity.CreateAccount(ctx, tx, identity.NewAccount{Username: "10101234565", Kind: identity.KindOrganization, OrgID: org})
		if err != nil {
			return err
		}
		tok, _, err = identity.CreateSession(ctx, tx, identity.NewSession{AccountID: id, Kind: identity.SessionAPI, TTL: time.Hour})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
