package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/whitehat"
)

// principalOf loads a demo account's principal by username.
func coursePrincipal(t *testing.T, m *Main, b *fixtures.Builder, username string) *identity.Principal {
	t.Helper()
	var id int64
	ctx := context.Background()
	if err := m.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT id FROM accounts WHERE username = ?", username).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return b.Principal(id)
}

func getPage(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// SLA M-4.2 end to end on the whole program: an agency course is announced (in-app
// and by e-mail), shown on /courses and its Atom feed; the agency's employee enrols
// through the API, a company's member is refused with the reason in Persian;
// attendance is recorded, the certificate of attendance is issued and `miz verify
// --server` accepts it while a changed copy fails; `miz log audit` still matches.
func TestAgencyEmployeeEnrolsAttendsAndVerifiesTheCertificate_M42(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		ctx := context.Background()
		clk := storetest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()))
		m := bootAt(t, dbURL, data, clk)
		b := fixtures.New(t, m.DB, nil) // the desk already runs on clk; setting it again races its writer
		cs := m.Web.Courses
		manager, trainer := coursePrincipal(t, m, b, "demo-supervisor"), coursePrincipal(t, m, b, "demo-expert")
		c, err := cs.Create(ctx, manager, course.CourseInput{Title: course.Text{FA: "دوره امنیت دستگاه‌های دولتی", EN: "Security for agencies"},
			Audience: course.GovernmentStaff, Capacity: 20, CancelHours: 24})
		if err != nil {
			t.Fatal(err)
		}
		st := clk.Now().Add(48 * time.Hour)
		if _, err := cs.AddSession(ctx, manager, c.ID, course.SessionInput{Starts: st, Ends: st.Add(2 * time.Hour), Link: "https://meet.example/x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.Open(ctx, manager, c.ID); err != nil {
			t.Fatal(err)
		}
		if n := countWhere(t, m, "SELECT COUNT(*) FROM outbox WHERE recipient = ? AND ref_kind = 'course'", "maryam.karimi@sample.example"); n != 1 {
			t.Fatalf("the agency employee was e-mailed %d announcements", n)
		}
		if n := countWhere(t, m, "SELECT COUNT(*) FROM outbox WHERE recipient = ? AND ref_kind = 'course'", "ali.rezaei@example.org"); n != 0 {
			t.Fatal("a company member was told of an agency course")
		}
		for _, path := range []string{"/courses", "/courses.atom", fmt.Sprintf("/courses/%d", c.ID)} {
			if code, body := getPage(t, m.URL()+path); code != 200 || !strings.Contains(body, "دوره امنیت دستگاه‌های دولتی") {
				t.Fatalf("%s: %d", path, code)
			}
		}
		enrol := fmt.Sprintf("%s/api/v1/courses/%d/enrolment", m.URL(), c.ID)
		resp, out := doJSON(t, "POST", enrol, apiLogin(t, m, "demo-applicant", ""), "application/json", "")
		msg, _ := out["error"].(map[string]any)["message"].(string)
		if resp.StatusCode != 403 || !strings.Contains(msg, "دستگاه") {
			t.Fatalf("company member: %d %v", resp.StatusCode, out)
		}
		employee := apiLogin(t, m, "demo-employee", "")
		if resp, out := doJSON(t, "POST", enrol, employee, "application/json", ""); resp.StatusCode != 201 || out["state"] != "enrolled" {
			t.Fatalf("agency employee: %d %v", resp.StatusCode, out)
		}
		clk.Set(st.Add(30 * time.Minute))
		number := attendAndCertify(t, cs, trainer, c.ID)
		if code, body := getPage(t, m.URL()+"/courses/certificates/"+number); code != 200 || !strings.Contains(body, number) || strings.Contains(body, "0075555557") {
			t.Fatalf("certificate page: %d", code)
		}
		var stdout, stderr bytes.Buffer
		if code := runVerify(ctx, []string{"--server", m.URL(), number}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "OK "+number) ||
			!strings.Contains(stdout.String(), "transparency log") {
			t.Fatalf("miz verify: %d %s %s", code, stdout.String(), stderr.String())
		}
		_, js := getPage(t, m.URL()+"/api/v1/attendance-certificates/"+number)
		write := func(name, s string) string {
			p := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		_, jwks := getPage(t, m.URL()+"/.well-known/jwks.json")
		keyFile := write("jwks.json", jwks)
		stdout.Reset()
		if code := runVerify(ctx, []string{write("att.json", js), "--key", keyFile}, &stdout, &stderr); code != 0 {
			t.Fatalf("offline: %d %s", code, stderr.String())
		}
		stderr.Reset()
		changed := strings.Replace(js, "مریم کریمی", "مریم کریمی‌زاده", 1)
		if code := runVerify(ctx, []string{write("changed.json", changed), "--key", keyFile}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "NOT VALID") {
			t.Fatalf("changed copy: %d %s", code, stderr.String())
		}
		stdout.Reset()
		if code := runLog(ctx, []string{"audit", "--data", data, "--db", dbURL}, &stdout, &stderr); code != 0 {
			t.Fatalf("log audit after an attendance certificate: %d %s %s", code, stdout.String(), stderr.String())
		}
	})
}

// Seed §6: the public white-hat pages show standings and results, never a
// finding's title or details, even to a signed-in stranger.
func TestWhiteHatPublicPagesNeverShowFindings_Seed6(t *testing.T) {
	t.Parallel()
	forEachDBDir(t, func(t *testing.T, dbURL, data string) {
		ctx := context.Background()
		clk := storetest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()))
		m := bootAt(t, dbURL, data, clk)
		b := fixtures.New(t, m.DB, nil) // the desk already runs on clk; setting it again races its writer
		wh := m.Web.WhiteHat
		manager, analyst := coursePrincipal(t, m, b, "demo-supervisor"), coursePrincipal(t, m, b, "demo-analyst")
		comp, err := wh.Create(ctx, manager, whitehat.CompetitionInput{Title: course.Text{FA: "مسابقه کلاه‌سفید پاییز"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wh.SetState(ctx, manager, comp.ID, whitehat.Open); err != nil {
			t.Fatal(err)
		}
		sys, err := wh.EnrolSystem(ctx, coursePrincipal(t, m, b, demo.OrgNationalID), comp.ID, "درگاه پرداخت", "pay.example")
		if err != nil {
			t.Fatal(err)
		}
		hunter := coursePrincipal(t, m, b, "demo-employee")
		if _, err := wh.Register(ctx, hunter, comp.ID, "quiet-fox"); err != nil {
			t.Fatal(err)
		}
		fid, err := wh.Submit(ctx, hunter, comp.ID, sys, "XSS-SECRET-TITLE", "SECRET-DETAILS in /pay")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wh.Decide(ctx, analyst, fid, whitehat.Decision{State: "verified", Severity: "medium", Points: 30}); err != nil {
			t.Fatal(err)
		}
		// The researcher sees their own finding on the page, staff see it with the
		// triage form; the public never does.
		own := apiLogin(t, m, "demo-employee", "")
		if code, body := rawCall(t, "GET", fmt.Sprintf("%s/whitehat/%d", m.URL(), comp.ID), own, "", ""); code != 200 || !strings.Contains(body, "XSS-SECRET-TITLE") {
			t.Fatalf("the researcher's own page: %d", code)
		}
		fid2, err := wh.Submit(ctx, hunter, comp.ID, sys, "CSRF-SECRET-TWO", "SECRET-DETAILS-TWO")
		if err != nil {
			t.Fatal(err)
		}
		totp, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
		staffTok := apiLogin(t, m, "demo-analyst", totp)
		if code, body := rawCall(t, "GET", fmt.Sprintf("%s/whitehat/%d", m.URL(), comp.ID), staffTok, "", ""); code != 200 ||
			!strings.Contains(body, "CSRF-SECRET-TWO") || !strings.Contains(body, fmt.Sprintf(`name="finding" value="%d"`, fid2)) {
			t.Fatalf("the staff page: %d", code)
		}
		if _, err := wh.Decide(ctx, analyst, fid2, whitehat.Decision{State: "rejected"}); err != nil {
			t.Fatal(err)
		}
		stranger := apiLogin(t, m, "demo-applicant", "")
		for i, closed := range []bool{false, true} {
			if closed {
				if _, err := wh.SetState(ctx, manager, comp.ID, whitehat.Closed); err != nil {
					t.Fatal(err)
				}
			}
			for _, path := range []string{"/whitehat", fmt.Sprintf("/whitehat/%d", comp.ID), fmt.Sprintf("/api/v1/whitehat/%d/standings", comp.ID)} {
				code, body := getPage(t, m.URL()+path)
				if code != 200 || !strings.Contains(body, "quiet-fox") {
					t.Fatalf("round %d %s: %d, no standings", i, path, code)
				}
				if strings.Contains(body, "SECRET") {
					t.Fatalf("round %d %s shows a finding", i, path)
				}
			}
			code, body := rawCall(t, "GET", fmt.Sprintf("%s/api/v1/whitehat/%d/standings", m.URL(), comp.ID), stranger, "", "")
			if code != 200 || strings.Contains(body, "SECRET") {
				t.Fatalf("signed-in stranger: %d", code)
			}
		}
	})
}

// seedCourseSweep adds an open agency course with the demo employee enrolled, and an
// open white-hat competition with a finding, for the raw-code sweep of every page;
// it returns their pages.
func seedCourseSweep(t *testing.T, m *Main, clk *storetest.Clock) []string {
	t.Helper()
	ctx := context.Background()
	b := fixtures.New(t, m.DB, nil) // the desk already runs on clk; setting it again races its writer
	manager := coursePrincipal(t, m, b, "demo-supervisor")
	c, err := m.Web.Courses.Create(ctx, manager, course.CourseInput{Title: course.Text{FA: "دوره نمونه", EN: "Sample course"},
		Audience: course.GovernmentStaff, Capacity: 1})
	if err != nil {
		t.Fatal(err)
	}
	st := clk.Now().Add(72 * time.Hour)
	if _, err := m.Web.Courses.AddSession(ctx, manager, c.ID, course.SessionInput{Starts: st, Ends: st.Add(time.Hour), Place: "تهران"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Web.Courses.Open(ctx, manager, c.ID); err != nil {
		t.Fatal(err)
	}
	employee := coursePrincipal(t, m, b, "demo-employee")
	if _, err := m.Web.Courses.Enrol(ctx, employee, c.ID); err != nil {
		t.Fatal(err)
	}
	wh := m.Web.WhiteHat
	comp, err := wh.Create(ctx, manager, whitehat.CompetitionInput{Title: course.Text{FA: "مسابقه نمونه"}})
	if err == nil {
		_, err = wh.SetState(ctx, manager, comp.ID, whitehat.Open)
	}
	var sys int64
	if err == nil {
		sys, err = wh.EnrolSystem(ctx, coursePrincipal(t, m, b, demo.OrgNationalID), comp.ID, "سامانه نمونه", "")
	}
	if err == nil {
		_, err = wh.Register(ctx, employee, comp.ID, "نام مستعار")
	}
	if err == nil {
		_, err = wh.Submit(ctx, employee, comp.ID, sys, "یافته نمونه", "شرح")
	}
	if err != nil {
		t.Fatal(err)
	}
	return []string{"/courses", fmt.Sprintf("/courses/%d", c.ID), "/whitehat", fmt.Sprintf("/whitehat/%d", comp.ID)}
}

// SLA M-4.2 on the web form: a bad field comes back on the form with its localized
// message and the text typed, and nothing is created; a good form creates a draft.
func TestCourseFormShowsTheFieldErrorAndCreatesNothing_M42(t *testing.T) {
	t.Parallel()
	clk := storetest.NewClock(time.Now())
	m := bootAt(t, "", t.TempDir(), clk)
	fc := newFormClient(t, m.URL(), nil)
	if status, _, _ := fc.post("/login", url.Values{"username": {"demo-editor"}, "password": {demo.Password}}); status != http.StatusSeeOther {
		t.Fatalf("password step: %d", status)
	}
	code, _ := identity.TOTPCode(demo.TOTPSecret, clk.Now())
	if status, _, _ := fc.post("/login/totp", url.Values{"totp": {code}}); status != http.StatusSeeOther {
		t.Fatalf("totp step: %d", status)
	}
	status, page, _ := fc.get("/courses")
	tok := csrfField.FindStringSubmatch(page)
	if status != 200 || tok == nil || !strings.Contains(page, `id="course-new"`) {
		t.Fatalf("courses page for an editor: %d", status)
	}
	fc.csrf = tok[1]
	form := url.Values{"title_fa": {"دوره آزمایشی"}, "audience": {"anyone"}, "language": {"fa"}, "capacity": {"0"}}
	status, page, _ = fc.post("/courses", form)
	if status != http.StatusBadRequest || !strings.Contains(page, "Write the capacity as a number from 1 to 10000") ||
		!strings.Contains(page, `value="دوره آزمایشی"`) || !strings.Contains(page, `aria-invalid="true"`) {
		t.Fatalf("bad capacity: %d", status)
	}
	if n := countWhere(t, m, "SELECT COUNT(*) FROM courses"); n != 0 {
		t.Fatalf("%d courses created by a refused form", n)
	}
	form.Set("capacity", "۱۲")
	if status, _, resp := fc.post("/courses", form); status != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/courses/") {
		t.Fatalf("good form: %d", status)
	}
	if n := countWhere(t, m, "SELECT COUNT(*) FROM courses WHERE capacity = 12 AND state = 'draft'"); n != 1 {
		t.Fatal("the draft was not created")
	}
}
