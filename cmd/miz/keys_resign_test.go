package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/certify"
	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/keys"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestResignAfterCompromise_Issue19 walks the end of docs/OPERATIONS.md's runbook
// "signing key compromised" on both databases: after rotate and revoke, `miz keys
// resign` signs every live certificate and certificate of attendance again with the
// new key — an interrupted run leaves nothing half done and a second run finishes it
// — while revoked, expired and superseded certificates keep their old JWS. The new
// copies verify with no warning, offline and against the restarted server with the
// proof of their "resigned" record; `miz log audit` and `miz audit verify` stay
// clean; a last run finds nothing to do; the registry page shows the re-signing.
func TestResignAfterCompromise_Issue19(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		ctx := context.Background()
		clk := storetest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()))
		m := bootAt(t, dbURL, data, clk)
		attendance := issueAttendance(t, m, clk)

		type cert struct {
			number, status, jws string
			expires             int64
		}
		certs := func() map[string]cert {
			out := map[string]cert{}
			if err := m.DB.View(ctx, func(tx *store.Tx) error {
				rows, err := tx.Query(ctx, `SELECT number, status, jws, expires_at FROM certificates
					UNION ALL SELECT number, 'attendance', jws, 0 FROM course_certificates`)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var c cert
					if err := rows.Scan(&c.number, &c.status, &c.jws, &c.expires); err != nil {
						return err
					}
					out[c.number] = c
				}
				return rows.Err()
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		before := certs()
		// Live: active or suspended and not past expiry by the command's clock (the
		// wall clock; the demo's runs earlier), or an attendance certificate.
		isLive := func(c cert) bool {
			return c.status == "attendance" || (c.status == "active" || c.status == "suspended") && c.expires > time.Now().UnixMilli()
		}
		live := 0
		for _, c := range before {
			if isLive(c) {
				live++
			}
		}
		if live < 3 || len(before) == live {
			t.Fatalf("the demo should hold live and final certificates: %d of %d live", live, len(before))
		}
		old := keys.KidOf(before[attendance].jws)

		mustMiz(t, "keys", "rotate", "--data", data, "--db", dbURL)
		mustMiz(t, "keys", "revoke", old, "--reason", "signing host breached", "--data", data, "--db", dbURL)
		out := mustMiz(t, "keys", "resign", "--dry-run", "--data", data, "--db", dbURL)
		if want := fmt.Sprintf("dry run: %d certificates and 1 certificates of attendance are signed by %s", live-1, old); !strings.Contains(out, want) {
			t.Fatalf("dry run: %q, want %q", out, want)
		}

		// Interrupted after its first batch of one: that certificate is fully
		// re-signed, the rest untouched.
		// (A handle of its own, on the wall clock as the command's: the server's runs
		// on the demo's.)
		db, err := openExisting(ctx, m.Config)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		reg, err := newRegistry(db, m.Config)
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		n, err := reg.Resign(cctx, certify.ResignOptions{Needs: func(k string) bool { return k == old }, Batch: 1, Actor: "system",
			Progress: func(seen, total, resigned int) {
				if resigned > 0 {
					cancel()
				}
			}})
		cancel()
		if n != 1 || !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %d re-signed, %v", n, err)
		}
		var code int
		code, out, errs := runMiz("keys", "resign", "--batch", "2", "--data", data, "--db", dbURL)
		if want := fmt.Sprintf("re-signed %d certificates and 1 certificates of attendance", live-2); code != 0 || !strings.Contains(out, want) ||
			!strings.Contains(errs, "certificates of attendance: 1/1 looked at, 1 re-signed") {
			t.Fatalf("miz keys resign: exit %d, want %q\n%s%s", code, want, out, errs)
		}
		if out := mustMiz(t, "keys", "resign", "--data", data, "--db", dbURL); !strings.Contains(out, "nothing to re-sign") {
			t.Fatalf("a second run: %s", out)
		}
		ring, err := keys.Open(keysDir(m.Config), nil)
		if err != nil {
			t.Fatal(err)
		}
		after := certs()
		for number, c := range before {
			a := after[number]
			switch {
			case isLive(c) && keys.KidOf(a.jws) != ring.Active().ID:
				t.Errorf("%s (%s) not re-signed: kid %s", number, c.status, keys.KidOf(a.jws))
			case !isLive(c) && a.jws != c.jws:
				t.Errorf("%s (%s) was re-signed", number, c.status)
			case isLive(c) && payloadOf(a.jws) != payloadOf(c.jws):
				t.Errorf("%s: the re-signed credential says something else", number)
			}
		}
		if out := mustMiz(t, "log", "audit", "--data", data, "--db", dbURL); !strings.Contains(out, "all match") {
			t.Fatalf("miz log audit: %s", out)
		}
		_ = auditHead(t, data, dbURL)
		if n := countWhere(t, m, "SELECT COUNT(*) FROM audit_log WHERE action IN ('certify.resigned', 'course.certificate.resigned')"); n != live {
			t.Errorf("%d re-signings audited, want %d", n, live)
		}

		// Offline, with the published key set: no warning on the new copy.
		dir := t.TempDir()
		var number string
		for nb, c := range before {
			if c.status == "active" && isLive(c) {
				number = nb
				break
			}
		}
		jwks, file := filepath.Join(dir, "jwks.json"), filepath.Join(dir, "cert.jws")
		_ = os.WriteFile(jwks, ring.JWKS(), 0o600)
		_ = os.WriteFile(file, []byte(after[number].jws), 0o600)
		if code, out, errs := runMiz("verify", file, "--key", jwks); code != 0 || !strings.Contains(out, "OK "+number) || strings.Contains(out, "WARNING") {
			t.Fatalf("offline verify of the new copy: exit %d\n%s%s", code, out, errs)
		}
		// The restarted server (runbook: restart every instance) serves the new copy
		// and proves its "resigned" record.
		_ = m.Close()
		m = bootAt(t, dbURL, data, clk)
		for _, nb := range []string{number, attendance} {
			var stdout, stderr bytes.Buffer
			if code := runVerify(ctx, []string{"--server", m.URL(), nb}, &stdout, &stderr); code != 0 ||
				!strings.Contains(stdout.String(), "OK "+nb) || strings.Contains(stdout.String(), "WARNING") ||
				!strings.Contains(stdout.String(), "transparency log") {
				t.Fatalf("miz verify --server %s: exit %d\n%s%s", nb, code, stdout.String(), stderr.String())
			}
		}
		if code, body := getPage(t, m.URL()+"/registry/"+number); code != 200 || !strings.Contains(body, "امضای دوباره با کلید جدید") {
			t.Fatalf("registry page of %s: %d, no re-signing in its history", number, code)
		}
	})
}

// payloadOf is the payload segment of a compact JWS.
func payloadOf(jws string) string {
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

// issueAttendance runs a free course to its certificate of attendance and returns
// the certificate's number.
func issueAttendance(t *testing.T, m *Main, clk *storetest.Clock) string {
	t.Helper()
	ctx := context.Background()
	b := fixtures.New(t, m.DB, nil)
	cs := m.Web.Courses
	manager, trainer := coursePrincipal(t, m, b, "demo-supervisor"), coursePrincipal(t, m, b, "demo-expert")
	c, err := cs.Create(ctx, manager, course.CourseInput{Title: course.Text{FA: "دوره پاسخ به رخداد"}, Audience: course.Anyone, Capacity: 5})
	if err != nil {
		t.Fatal(err)
	}
	st := clk.Now().Add(48 * time.Hour)
	if _, err := cs.AddSession(ctx, manager, c.ID, course.SessionInput{Starts: st, Ends: st.Add(time.Hour), Place: "تهران"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Open(ctx, manager, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Enrol(ctx, coursePrincipal(t, m, b, "demo-employee"), c.ID); err != nil {
		t.Fatal(err)
	}
	clk.Set(st.Add(30 * time.Minute))
	return attendAndCertify(t, cs, trainer, c.ID)
}

// attendAndCertify records the one enrolled person's attendance of the course's
// first session (the clock is inside it) and returns the certificate's number (M42).
func attendAndCertify(t *testing.T, cs *course.Courses, trainer *identity.Principal, courseID int64) string {
	t.Helper()
	ctx := context.Background()
	r, err := cs.Roster(ctx, trainer, courseID)
	if err != nil || len(r.Enrolled) != 1 {
		t.Fatalf("roster %+v, %v", r, err)
	}
	if err := cs.RecordAttendance(ctx, trainer, courseID, r.Course.Sessions[0].ID, []int64{r.Enrolled[0].ID}); err != nil {
		t.Fatal(err)
	}
	certs, err := cs.IssueCertificates(ctx, trainer, courseID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates %v, %v", certs, err)
	}
	return certs[0].Number
}
