package main

import (
	"bytes"
	"context"
	"fmt"
	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/course"
	"github.com/itoir/miz/internal/demo"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/whitehat"
)

// bootPaying boots the demo desk at clk's time with a real test payment gateway.
func bootPaying(t *testing.T, dbURL string, clk *storetest.Clock) (*Main, *testGateway) {
	t.Helper()
	cfg := defaultConfig()
	cfg.Addr, cfg.Data, cfg.Demo, cfg.DB = "127.0.0.1:0", t.TempDir(), true, dbURL
	gw := withTestGateway(t, &cfg)
	m := &Main{Config: cfg, Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), now: clk.Now}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m, gw
}

// invoiceView reads an invoice through the API as the payer sees it.
func invoiceView(t *testing.T, m *Main, token, number string) map[string]any {
	t.Helper()
	resp, out := doJSON(t, "GET", m.URL()+"/api/v1/invoices/"+number, token, "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("invoice %s: %d %v", number, resp.StatusCode, out)
	}
	return out["invoice"].(map[string]any)
}

// SLA M-4.2 with §6 (issue 17 "done when"): an agency employee enrols in a paid
// course, which bills the seat; they pay through the payment gateway, whose signed
// callback confirms the seat in the paying transaction; attendance is recorded, the
// certificate of attendance is issued and `miz verify` accepts it. A seat given up
// before paying cancels its invoice; one given up after keeps the payment.
func TestAgencyEmployeePaysForACourseThroughTheGatewayAndVerifiesTheCertificate_M42(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dbURL := ""
			if backend == "postgres" {
				dbURL = storetest.PostgresURL(t)
			}
			ctx := context.Background()
			clk := storetest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()))
			m, gw := bootPaying(t, dbURL, clk)
			b := fixtures.New(t, m.DB, nil) // the desk already runs on clk; setting it again races its writer
			cs := m.Web.Courses
			manager, trainer := coursePrincipal(t, m, b, "demo-supervisor"), coursePrincipal(t, m, b, "demo-expert")
			st := clk.Now().Add(48 * time.Hour)
			paidCourse := func(title string) int64 {
				c, err := cs.Create(ctx, manager, course.CourseInput{Title: course.Text{FA: title}, Audience: course.GovernmentStaff,
					Capacity: 5, CancelHours: 24, FeeRials: 45_000_000})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := cs.AddSession(ctx, manager, c.ID, course.SessionInput{Starts: st, Ends: st.Add(2 * time.Hour), Place: "تهران"}); err != nil {
					t.Fatal(err)
				}
				if _, err := cs.Open(ctx, manager, c.ID); err != nil {
					t.Fatal(err)
				}
				return c.ID
			}
			employee := apiLogin(t, m, "demo-employee", "")
			enrol := func(id int64) string {
				resp, out := doJSON(t, "POST", fmt.Sprintf("%s/api/v1/courses/%d/enrolment", m.URL(), id), employee, "application/json", "")
				ref, _ := out["invoice_ref"].(string)
				if resp.StatusCode != 201 || out["state"] != "enrolled" || ref == "" {
					t.Fatalf("enrol in a paid course: %d %v", resp.StatusCode, out)
				}
				return ref
			}

			// A seat given up before paying cancels its invoice, audited.
			other := paidCourse("دوره لغوشده")
			number := enrol(other)
			resp, out := doJSON(t, "DELETE", fmt.Sprintf("%s/api/v1/courses/%d/enrolment", m.URL(), other), employee, "", "")
			if resp.StatusCode != 200 || out["state"] != "cancelled" {
				t.Fatalf("cancel: %d %v", resp.StatusCode, out)
			}
			if inv := invoiceView(t, m, employee, number); inv["state"] != "cancelled" {
				t.Fatalf("the invoice of a seat given up is %v", inv["state"])
			}
			if n := countWhere(t, m, "SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.cancelled' AND object_id = ?", number); n != 1 {
				t.Fatalf("%d audit entries for the cancelled invoice", n)
			}

			// The paid course: the seat is billed at the catalog's course fee plus VAT.
			id := paidCourse("دوره پولی امنیت دستگاه‌ها")
			number = enrol(id)
			inv := invoiceView(t, m, employee, number)
			if inv["state"] != "unpaid" || inv["total"] != float64(49_500_000) || inv["ref"] != fmt.Sprintf("course:%d", id) {
				t.Fatalf("seat invoice: %v", inv)
			}
			// Through the gateway and back: the signed callback pays the invoice and
			// confirms the seat in the same transaction.
			resp, out = doJSON(t, "POST", m.URL()+"/api/v1/invoices/"+number+"/pay", employee, "application/json", `{}`)
			if resp.StatusCode != 200 {
				t.Fatalf("start payment: %d %v", resp.StatusCode, out)
			}
			atGateway := hop(t, out["redirect"].(string))
			back := hop(t, atGateway.Header.Get("Location"))
			if back.StatusCode != http.StatusSeeOther || back.Header.Get("Location") != "/invoices/"+number {
				t.Fatalf("callback: %d → %q", back.StatusCode, back.Header.Get("Location"))
			}
			if inv := invoiceView(t, m, employee, number); inv["state"] != "paid" || gw.payments.Load() != 1 {
				t.Fatalf("after the callback: %v (%d payments)", inv, gw.payments.Load())
			}
			if n := countWhere(t, m, "SELECT COUNT(*) FROM audit_log WHERE action = 'course.seat_paid' AND object_id = ? AND summary LIKE ?",
				fmt.Sprint(id), "%"+number+"%"); n != 1 {
				t.Fatalf("the paid seat was confirmed %d times", n)
			}

			// Attendance, the certificate, and `miz verify`.
			clk.Set(st.Add(30 * time.Minute))
			r, err := cs.Roster(ctx, trainer, id)
			if err != nil || len(r.Enrolled) != 1 {
				t.Fatalf("roster %+v, %v", r, err)
			}
			if err := cs.RecordAttendance(ctx, trainer, id, r.Course.Sessions[0].ID, []int64{r.Enrolled[0].ID}); err != nil {
				t.Fatal(err)
			}
			certs, err := cs.IssueCertificates(ctx, trainer, id)
			if err != nil || len(certs) != 1 {
				t.Fatalf("certificates of a paid seat: %v, %v", certs, err)
			}
			var stdout, stderr bytes.Buffer
			if code := runVerify(ctx, []string{"--server", m.URL(), certs[0].Number}, &stdout, &stderr); code != 0 ||
				!strings.Contains(stdout.String(), "OK "+certs[0].Number) {
				t.Fatalf("miz verify: %d %s %s", code, stdout.String(), stderr.String())
			}
		})
	}
}

// SLA M-4.2, §6: a seat that attended but was never paid gets no certificate; a
// course whose fee differs from the catalog's fixed tariff is refused with the
// reason and bills nothing; a white-hat entry fee is invoiced at its tariff.
func TestUnpaidCourseSeatGetsNoCertificate_M42(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := storetest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran()))
	m, _ := bootPaying(t, "", clk)
	b := fixtures.New(t, m.DB, nil) // the desk already runs on clk; setting it again races its writer
	cs := m.Web.Courses
	manager, trainer := coursePrincipal(t, m, b, "demo-supervisor"), coursePrincipal(t, m, b, "demo-expert")
	c, err := cs.Create(ctx, manager, course.CourseInput{Title: course.Text{FA: "دوره پرداخت‌نشده"}, Audience: course.Anyone,
		Capacity: 5, CancelHours: 24, FeeRials: 45_000_000})
	if err != nil {
		t.Fatal(err)
	}
	st := clk.Now().Add(48 * time.Hour)
	if _, err := cs.AddSession(ctx, manager, c.ID, course.SessionInput{Starts: st, Ends: st.Add(time.Hour), Place: "تهران"}); err == nil {
		_, err = cs.Open(ctx, manager, c.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	e, err := cs.Enrol(ctx, coursePrincipal(t, m, b, "demo-employee"), c.ID)
	if err != nil || e.InvoiceRef == "" {
		t.Fatalf("enrol: %+v, %v", e, err)
	}
	clk.Set(st.Add(10 * time.Minute))
	r, err := cs.Roster(ctx, trainer, c.ID)
	if err == nil {
		err = cs.RecordAttendance(ctx, trainer, c.ID, r.Course.Sessions[0].ID, []int64{r.Enrolled[0].ID})
	}
	if err != nil {
		t.Fatal(err)
	}
	if certs, err := cs.IssueCertificates(ctx, trainer, c.ID); err != nil || len(certs) != 0 {
		t.Fatalf("an unpaid seat was certified: %v, %v", certs, err)
	}

	wh := m.Web.WhiteHat
	// A fee off the catalog's fixed tariff is refused when the course is created, on
	// its field, naming the tariff; nothing is created.
	courses := countWhere(t, m, "SELECT COUNT(*) FROM courses")
	_, err = cs.Create(ctx, manager, course.CourseInput{Title: course.Text{FA: "دوره با هزینه دیگر"}, Audience: course.Anyone,
		Capacity: 5, FeeRials: 1_000_000})
	if pe := problem.As(err); pe.Field != "fee_rials" || pe.Key != "course.fee.off_tariff" || countWhere(t, m, "SELECT COUNT(*) FROM courses") != courses {
		t.Fatalf("a course off the tariff: %v", err)
	}
	if _, err := wh.Create(ctx, manager, whitehat.CompetitionInput{Title: course.Text{FA: "مسابقه"}, EntryFeeRials: 1}); problem.As(err).Field != "entry_fee_rials" {
		t.Fatalf("a competition off the tariff: %v", err)
	}
	// Should the tariff change after a course was announced (here: the course's fee
	// moved in the database), enrolment refuses with the reason and bills nothing.
	odd, err := cs.Create(ctx, manager, course.CourseInput{Title: course.Text{FA: "دوره با هزینه دیگر"}, Audience: course.Anyone,
		Capacity: 5, FeeRials: 45_000_000})
	if err == nil {
		err = m.DB.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE courses SET fee_rials = 1000000 WHERE id = ?", odd.ID)
			return err
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	st2 := clk.Now().Add(48 * time.Hour)
	if _, err := cs.AddSession(ctx, manager, odd.ID, course.SessionInput{Starts: st2, Ends: st2.Add(time.Hour), Place: "تهران"}); err == nil {
		_, err = cs.Open(ctx, manager, odd.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	invoices := countWhere(t, m, "SELECT COUNT(*) FROM invoices")
	resp, out := doJSON(t, "POST", fmt.Sprintf("%s/api/v1/courses/%d/enrolment", m.URL(), odd.ID), apiLogin(t, m, "demo-employee", ""), "application/json", "")
	msg, _ := out["error"].(map[string]any)["message"].(string)
	if resp.StatusCode != 409 || !strings.Contains(msg, "تعرفه") {
		t.Fatalf("a fee off the tariff: %d %v", resp.StatusCode, out)
	}
	if n := countWhere(t, m, "SELECT COUNT(*) FROM invoices"); n != invoices {
		t.Fatal("a refused enrolment issued an invoice")
	}
	if n := countWhere(t, m, "SELECT COUNT(*) FROM course_enrolments WHERE course_id = ?", odd.ID); n != 0 {
		t.Fatal("a refused enrolment took a seat")
	}

	comp, err := wh.Create(ctx, manager, whitehat.CompetitionInput{Title: course.Text{FA: "مسابقه پولی"}, EntryFeeRials: 250_000_000})
	if err == nil {
		_, err = wh.SetState(ctx, manager, comp.ID, whitehat.Open)
	}
	if err == nil {
		_, err = wh.EnrolSystem(ctx, coursePrincipal(t, m, b, demo.OrgNationalID), comp.ID, "درگاه پرداخت", "pay.example")
	}
	if err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, m, "SELECT COUNT(*) FROM invoices WHERE ref = ? AND tariff_item = 'whitehat_entry' AND net = 250000000 AND state = 'unpaid'",
		fmt.Sprintf("whitehat:%d", comp.ID)); n != 1 {
		t.Fatalf("%d entry-fee invoices", n)
	}
	// §6: an entry whose fee is unpaid is not in the competition: not listed, not
	// counted, and a finding against it is refused; paid, it is.
	org := coursePrincipal(t, m, b, demo.OrgNationalID)
	sysID := int64(countWhere(t, m, "SELECT MAX(id) FROM whitehat_systems WHERE competition_id = ?", comp.ID))
	number, err := wh.EntryInvoice(ctx, org, sysID)
	if err != nil || number == "" {
		t.Fatalf("entry invoice: %q %v", number, err)
	}
	if inv, err := m.Web.Billing.Invoice(ctx, org, number); err != nil || inv.PayerOrgID == 0 || inv.PayerName == "" {
		t.Fatalf("the organisation cannot see the invoice of its entry: %+v %v", inv, err)
	}
	if _, err := wh.EntryInvoice(ctx, manager, sysID); err == nil {
		t.Error("another account read the organisation's entry invoice")
	}
	listed := func() int {
		sys, err := wh.Systems(ctx, comp.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(sys)
	}
	if n := listed(); n != 0 {
		t.Fatalf("an unpaid entry is listed: %d", n)
	}
	hunter := coursePrincipal(t, m, b, "demo-employee")
	if _, err := wh.Register(ctx, hunter, comp.ID, "شکارچی"); err != nil {
		t.Fatal(err)
	}
	if _, err := wh.Submit(ctx, hunter, comp.ID, sysID, "XSS", "جزئیات"); problem.As(err).Field != "system" {
		t.Fatalf("a finding against an unpaid entry: %v", err)
	}
	var total int64
	if err := m.DB.View(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, "SELECT total FROM invoices WHERE number = ?", number).Scan(&total)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Web.Billing.RecordBankPayment(ctx, coursePrincipal(t, m, b, "demo-expert"), number,
		billing.BankPayment{Reference: "BANK-WH-1", Amount: total}); err != nil {
		t.Fatal(err)
	}
	if n := listed(); n != 1 {
		t.Fatalf("a paid entry is not listed: %d", n)
	}
	if _, err := wh.Submit(ctx, hunter, comp.ID, sysID, "XSS", "جزئیات"); err != nil {
		t.Fatalf("a finding against a paid entry: %v", err)
	}
}
