package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	xtlog "golang.org/x/mod/sumdb/tlog"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/slareport"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/tlog"
)

// fetch200 fetches a path of m and fails the test on anything but 200.
func fetch200(t *testing.T, m *Main, path, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", m.URL()+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b
}

// logTiles reads the served log's tiles, as an independent monitor would, with
// golang.org/x/mod's tile client.
type logTiles struct {
	t *testing.T
	m *Main
}

func (h logTiles) Height() int { return tlog.TileHeight }
func (h logTiles) ReadTiles(tiles []xtlog.Tile) ([][]byte, error) {
	var out [][]byte
	for _, tile := range tiles {
		out = append(out, fetch200(h.t, h.m, "/log/"+tlog.TilePath(tile, false), ""))
	}
	return out, nil
}
func (h logTiles) SaveTiles([]xtlog.Tile, [][]byte) {}

// TestMonthlyReportsAndCaseStatementsVerify_20: when Aban 1405 closes (the server
// was down at the turn of the month), the next start publishes a signed report for
// every service; its figures agree with the published KPIs, `miz verify report
// --server` accepts it, a tampered copy and a signed report that is not in the log
// are refused, the x/mod tile client proves the report's entry from the served
// tiles, and `miz log audit` still matches the log to the tables. The applicant's
// signed case statement verifies offline with its proof, a second download adds
// nothing to the log, and nobody else can download it.
func TestMonthlyReportsAndCaseStatementsVerify_20(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		ctx := context.Background()
		clk := storetest.NewClock(time.Date(2026, 11, 18, 9, 0, 0, 0, jalali.Tehran())) // 1405-08-27
		m := bootAt(t, dbURL, data, clk)
		code := submitCertify(t, m)
		if n := countWhere(t, m, `SELECT COUNT(*) FROM sla_reports WHERE period = '1405-08'`); n != 0 {
			t.Fatalf("%d reports before the month closed", n)
		}
		_ = m.Close()
		clk.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, jalali.Tehran())) // 1405-09-02
		m = bootAt(t, dbURL, data, clk)
		runDueUntil(t, m, 2, `SELECT COUNT(*) FROM sla_reports WHERE period = '1405-08'`)

		var list struct{ Reports []struct{ ID, Period string } }
		if err := json.Unmarshal(fetch200(t, m, "/api/v1/reports", ""), &list); err != nil || len(list.Reports) != 4 || list.Reports[0].Period != "1405-08" {
			t.Fatalf("report list %+v %v", list, err)
		}
		raw := fetch200(t, m, "/api/v1/reports/certify/1405-08", "")
		var pub slareport.Published
		if err := json.Unmarshal(raw, &pub); err != nil {
			t.Fatal(err)
		}
		var kpis struct{ Received, Completed int }
		_ = json.Unmarshal(fetch200(t, m, "/api/v1/services/certify/kpis?period=1405-08", ""), &kpis)
		var received float64 = -1
		for _, o := range pub.Obligations {
			for _, f := range o.Figures {
				if o.ID == "C-4.1" && f.Name == "received" && f.Kind == "" {
					received = *f.Value
				}
			}
		}
		if received < 1 || int(received) != kpis.Received {
			t.Fatalf("C-4.1 received %v in the report, %d in the KPIs", received, kpis.Received)
		}

		var out, errb bytes.Buffer
		if rc := runVerify(ctx, []string{"report", "--server", m.URL(), "certify", "1405-08"}, &out, &errb); rc != 0 ||
			!strings.Contains(out.String(), "OK report certify/1405-08/1") || !strings.Contains(out.String(), "transparency log at index") {
			t.Fatalf("verify report: %d %s %s", rc, out.String(), errb.String())
		}
		dir := t.TempDir()
		write := func(name string, b []byte) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		jwks := write("jwks.json", fetch200(t, m, "/.well-known/jwks.json", ""))
		logKey := strings.TrimSpace(string(fetch200(t, m, "/log/key", "")))
		proof := write("report.proof", fetch200(t, m, "/api/v1/reports/certify/1405-08/proof", ""))
		tampered := bytes.Replace(raw, []byte(`"name":"received","value":`), []byte(`"name":"received","value":9`), 1)
		out.Reset()
		errb.Reset()
		if rc := runVerify(ctx, []string{"report", write("tampered.json", tampered), "--key", jwks}, &out, &errb); rc != 1 ||
			!strings.Contains(errb.String(), "NOT VALID") {
			t.Fatalf("a tampered report verified: %d %s %s", rc, out.String(), errb.String())
		}
		unlogged := pub.Report
		unlogged.Version = 9
		payload, _ := json.Marshal(unlogged)
		forged, err := m.Registry.Keys.SignJWS(payload)
		if err != nil {
			t.Fatal(err)
		}
		errb.Reset()
		if rc := runVerify(ctx, []string{"report", write("unlogged.jws", []byte(forged)), "--key", jwks, "--proof", proof, "--log-key", logKey}, &out, &errb); rc != 1 ||
			!strings.Contains(errb.String(), "another report") {
			t.Fatalf("a signed report missing from the log verified: %d %s", rc, errb.String())
		}

		// An independent client proves the report's entry from the served tiles.
		verifier, err := note.NewVerifier(logKey)
		if err != nil {
			t.Fatal(err)
		}
		head, err := tlog.OpenCheckpoint(fetch200(t, m, "/log/checkpoint", ""), verifier)
		if err != nil {
			t.Fatal(err)
		}
		r := xtlog.TileHashReader(xtlog.Tree{N: head.Size, Hash: head.Root}, logTiles{t, m})
		rec := slareport.LogRecord{Type: slareport.ReportType, ID: pub.ID, Service: pub.Service, Period: pub.Period, Version: pub.Version,
			At: pub.IssuedAt.UnixMilli(), JWSSHA256: pub.JWSSHA256}
		p, err := xtlog.ProveRecord(head.Size, pub.LogIndex, r)
		if err != nil || xtlog.CheckRecord(p, head.Size, head.Root, pub.LogIndex, xtlog.RecordHash(rec.Marshal())) != nil {
			t.Fatalf("the tile client cannot prove report entry %d: %v", pub.LogIndex, err)
		}

		// The applicant's signed statement of the case.
		org := apiLogin(t, m, "10101234565", "")
		stRaw := fetch200(t, m, "/api/v1/cases/"+code+"/statement", org)
		var st slareport.SignedStatement
		if err := json.Unmarshal(stRaw, &st); err != nil || st.Statement.TrackingCode != code || len(st.Statement.States) < 2 || st.Statement.Met != nil {
			t.Fatalf("statement %+v %v", st.Statement, err)
		}
		stProof := write("statement.proof", fetch200(t, m, "/api/v1/cases/"+code+"/statement/proof", org))
		out.Reset()
		errb.Reset()
		if rc := runVerify(ctx, []string{"statement", write("statement.json", stRaw), "--key", jwks, "--proof", stProof, "--log-key", logKey}, &out, &errb); rc != 0 ||
			!strings.Contains(out.String(), "OK statement of "+code) {
			t.Fatalf("verify statement: %d %s %s", rc, out.String(), errb.String())
		}
		errb.Reset()
		changed := bytes.Replace(stRaw, []byte(`"breached":false`), []byte(`"breached":true`), 1)
		if bytes.Equal(changed, stRaw) {
			t.Fatal("the test did not tamper with the statement")
		}
		if rc := runVerify(ctx, []string{"statement", write("statement-x.json", changed), "--key", jwks}, &out, &errb); rc != 1 {
			t.Fatalf("a tampered statement verified: %s", errb.String())
		}
		before := countWhere(t, m, `SELECT COUNT(*) FROM case_statements`)
		fetch200(t, m, "/api/v1/cases/"+code+"/statement", org)
		if after := countWhere(t, m, `SELECT COUNT(*) FROM case_statements`); after != before {
			t.Fatalf("a second download logged a new statement (%d → %d)", before, after)
		}
		other := apiLogin(t, m, "demo-applicant-2", "")
		if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/cases/"+code+"/statement", other, "", ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("another applicant's statement download: %d", resp.StatusCode)
		}

		// The public pages, in both languages, and the log audit.
		for _, path := range []string{"/reports", "/reports/certify/1405-08", "/reports/cert/1405-08?lang=en", "/reports.atom"} {
			b := string(fetch200(t, m, path, ""))
			for _, bad := range []string{"report.fig.", "report.measure", "on_time_percent", "<no value>", "%!"} {
				if strings.Contains(b, bad) {
					t.Errorf("%s shows %q", path, bad)
				}
			}
		}
		if b := string(fetch200(t, m, "/reports/certify/1405-08", "")); !strings.Contains(b, `id="obligation-C-4.1"`) || !strings.Contains(b, "آبان ۱۴۰۵") {
			t.Errorf("report page lacks C-4.1 or the Jalali month")
		}
		out.Reset()
		errb.Reset()
		args := []string{"audit", "--data", data}
		if dbURL != "" {
			args = append(args, "--db", dbURL)
		}
		if rc := runLog(ctx, args, &out, &errb); rc != 0 {
			t.Fatalf("miz log audit: %d %s %s", rc, out.String(), errb.String())
		}
	})
}
