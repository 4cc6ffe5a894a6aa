package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store/storetest"
)

// courseAwaitingPayment opens, submits and accepts the demo applicant's course
// enrolment through the API, so that it waits for the course fee.
func courseAwaitingPayment(t *testing.T, m *Main, applicant, expert string) string {
	t.Helper()
	resp, body := doJSON(t, "POST", m.URL()+"/api/v1/cases", applicant, "application/json", `{"service":"cert","kind":"course","form":{}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("open: %d %v", resp.StatusCode, body)
	}
	code := body["tracking_code"].(string)
	uploadDocument(t, m, applicant, code, "national_card")
	if resp, body := doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/submit", applicant, "application/json", `{}`); resp.StatusCode != 200 {
		t.Fatalf("submit: %d %v", resp.StatusCode, body)
	}
	resp, body = doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/transitions", expert, "application/json",
		`{"transition":"accept","decision":"approve"}`)
	if resp.StatusCode != 200 || body["state"] != "awaiting_payment" {
		t.Fatalf("accept: %d %v", resp.StatusCode, body)
	}
	return code
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func totpNow() string { c, _ := identity.TOTPCode("JBSWY3DPEHPK3PXP", time.Now()); return c }

// caseInvoice returns the number and total of the one invoice the case has.
func caseInvoice(t *testing.T, m *Main, token, code string) (string, float64) {
	t.Helper()
	_, body := doJSON(t, "GET", m.URL()+"/api/v1/invoices", token, "", "")
	invs, _ := body["invoices"].([]any)
	for _, x := range invs {
		inv := x.(map[string]any)
		if inv["ref"] == "case:"+code {
			return inv["number"].(string), inv["total"].(float64)
		}
	}
	t.Fatalf("no invoice for %s in %v", code, body)
	return "", 0
}

// noRedirect is a client that shows each redirect instead of following it; hop
// takes one step with it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func hop(t *testing.T, u string) *http.Response {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// SLA C-4.1, §6: the course fee is the applicant's to pay, so the clock stands still
// while the invoice is unpaid; the gateway's callback pays it and hands the case back.
func TestPaidCertCaseWaitsForTheGatewayAndResumesOnTheCallback_C41(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dbURL := ""
			if backend == "postgres" {
				dbURL = storetest.PostgresURL(t)
			}
			var gw *testGateway
			m := startDemoWith(t, dbURL, func(c *Config) { gw = withTestGateway(t, c) })
			applicant := apiLogin(t, m, "demo-applicant", "")
			expert := apiLogin(t, m, "demo-expert", totpNow())
			code := courseAwaitingPayment(t, m, applicant, expert)
			number, total := caseInvoice(t, m, applicant, code)
			if total != 49_500_000 {
				t.Errorf("course fee with 10%% VAT = %v", total)
			}
			_, view := doJSON(t, "GET", m.URL()+"/api/v1/cases/"+code, applicant, "", "")
			if clk := view["sla"].(map[string]any); clk["paused"] != true || view["holder"] != "applicant" {
				t.Fatalf("the clock runs while the fee is unpaid: %v", view)
			}
			// Nobody leaves the payment step without paying.
			if resp, body := doJSON(t, "POST", m.URL()+"/api/v1/cases/"+code+"/transitions", applicant, "application/json",
				`{"transition":"pay"}`); resp.StatusCode != 409 {
				t.Fatalf("pay without paying: %d %v", resp.StatusCode, body)
			}
			resp, body := doJSON(t, "POST", m.URL()+"/api/v1/invoices/"+number+"/pay", applicant, "application/json", `{}`)
			if resp.StatusCode != 200 {
				t.Fatalf("start payment: %d %v", resp.StatusCode, body)
			}
			// The payer's browser: to the gateway, which sends it back to the callback.
			atGateway := hop(t, body["redirect"].(string))
			callback := atGateway.Header.Get("Location")
			if atGateway.StatusCode != http.StatusFound || !strings.HasPrefix(callback, m.URL()+"/payments/callback?") {
				t.Fatalf("gateway answered %d → %q", atGateway.StatusCode, callback)
			}
			back := hop(t, callback)
			if back.StatusCode != http.StatusSeeOther || back.Header.Get("Location") != "/invoices/"+number {
				t.Fatalf("callback: %d → %q", back.StatusCode, back.Header.Get("Location"))
			}
			_, view = doJSON(t, "GET", m.URL()+"/api/v1/cases/"+code, applicant, "", "")
			if clk := view["sla"].(map[string]any); view["state"] != "payment_check" || view["holder"] != "organization" || clk["paused"] == true {
				t.Fatalf("after the callback: %v", view)
			}
			// A replayed callback changes nothing.
			if again := hop(t, callback); again.StatusCode != http.StatusSeeOther {
				t.Errorf("replay: %d", again.StatusCode)
			}
			_, inv := doJSON(t, "GET", m.URL()+"/api/v1/invoices/"+number, applicant, "", "")
			if pms, _ := inv["payments"].([]any); len(pms) != 1 || inv["invoice"].(map[string]any)["state"] != "paid" {
				t.Errorf("after a replay: %v", inv)
			}
			_, hist := doJSON(t, "GET", m.URL()+"/api/v1/cases/"+code+"/history", applicant, "", "")
			if n := strings.Count(strings.ReplaceAll(toJSON(hist), " ", ""), `"transition":"pay"`); n != 1 {
				t.Errorf("the case moved %d times on the payment", n)
			}
			// A tampered callback (the amount lowered after signing) changes nothing.
			code2 := courseAwaitingPayment(t, m, applicant, expert)
			number2, _ := caseInvoice(t, m, applicant, code2)
			_, body = doJSON(t, "POST", m.URL()+"/api/v1/invoices/"+number2+"/pay", applicant, "application/json", `{}`)
			forged, _ := url.Parse(hop(t, body["redirect"].(string)).Header.Get("Location"))
			q := forged.Query()
			q.Set("amount", "1000")
			forged.RawQuery = q.Encode()
			if resp := hop(t, forged.String()); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("tampered callback: %d", resp.StatusCode)
			}
			// … and so does the same forgery posted server to server.
			resp, body = doJSON(t, "POST", m.URL()+"/api/v1/payments/callback", "", "application/x-www-form-urlencoded", q.Encode())
			if resp.StatusCode != 400 || errCode(body) == "" {
				t.Errorf("tampered server-to-server callback: %d %v", resp.StatusCode, body)
			}
			_, view = doJSON(t, "GET", m.URL()+"/api/v1/cases/"+code2, applicant, "", "")
			_, inv = doJSON(t, "GET", m.URL()+"/api/v1/invoices/"+number2, applicant, "", "")
			if view["state"] != "awaiting_payment" || inv["invoice"].(map[string]any)["state"] != "unpaid" {
				t.Errorf("a tampered callback changed the case (%v) or the invoice (%v)", view["state"], inv["invoice"])
			}
			if gw.payments.Load() != 2 {
				t.Errorf("the gateway took %d payments", gw.payments.Load())
			}
		})
	}
}

// §6: CERTIFY's identity card says it is free; CERT's lists its priced items; the
// revenue report counts a paid invoice in its Jalali month, for supervisors only,
// and exports it as CSV and XLSX.
func TestTariffsOnTheIdentityCardAndRevenueReports_Section6(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	body := func(resp *http.Response) string {
		t.Helper()
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(b)
	}
	resp, err := http.Get(m.URL() + "/services/certify")
	if err != nil {
		t.Fatal(err)
	}
	if page := body(resp); !strings.Contains(page, "رایگان") {
		t.Error("CERTIFY's identity card does not say it is free")
	}
	resp, _ = http.Get(m.URL() + "/services/cert")
	if page := body(resp); !strings.Contains(page, "هزینه شرکت در دوره آموزشی: ۴۵٬۰۰۰٬۰۰۰ ریال") || !strings.Contains(page, "(نمونه)") {
		t.Error("CERT's identity card does not list the course fee as an example")
	}

	applicant := apiLogin(t, m, "demo-applicant", "")
	expert := apiLogin(t, m, "demo-expert", totpNow())
	code := courseAwaitingPayment(t, m, applicant, expert)
	number, total := caseInvoice(t, m, applicant, code)
	if resp, out := doJSON(t, "POST", m.URL()+"/api/v1/invoices/"+number+"/payments", applicant, "application/json",
		`{"reference":"BANK-77","amount":49500000}`); resp.StatusCode != 403 {
		t.Fatalf("the applicant recorded their own bank payment: %d %v", resp.StatusCode, out)
	}
	if resp, out := doJSON(t, "POST", m.URL()+"/api/v1/invoices/"+number+"/payments", expert, "application/json",
		`{"reference":"BANK-77","amount":1}`); resp.StatusCode != 400 || errCode(out) == "" {
		t.Fatalf("a wrong amount: %d %v", resp.StatusCode, out)
	}
	if resp, out := doJSON(t, "POST", m.URL()+"/api/v1/invoices/"+number+"/payments", expert, "application/json",
		`{"reference":"BANK-77","amount":49500000}`); resp.StatusCode != 201 || out["state"] != "paid" {
		t.Fatalf("bank payment: %d %v", resp.StatusCode, out)
	}
	sup := apiLogin(t, m, "demo-supervisor", totpNow())
	_, rev := doJSON(t, "GET", m.URL()+"/api/v1/billing/revenue", sup, "", "")
	rows, _ := rev["revenue"].([]any)
	if len(rows) != 1 || rows[0].(map[string]any)["total"] != total || rows[0].(map[string]any)["service"] != "cert" {
		t.Errorf("revenue = %v", rev)
	}
	if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/billing/revenue", applicant, "", ""); resp.StatusCode != 403 {
		t.Errorf("an applicant read the revenue: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", m.URL()+"/api/v1/billing/revenue.csv", nil)
	req.Header.Set("Authorization", "Bearer "+sup)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if csv := body(resp); resp.StatusCode != 200 || !strings.Contains(csv, ",49500000") || !strings.Contains(csv, "رسیدگی") {
		t.Errorf("revenue CSV: %d %q", resp.StatusCode, csv)
	}
	req, _ = http.NewRequest("GET", m.URL()+"/api/v1/billing/unpaid.xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+sup)
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(body(resp), "PK") {
		t.Errorf("unpaid XLSX: %v %v", resp.StatusCode, err)
	}
}

// staffWebClient signs a demo staff member in through the login and TOTP forms.
func staffWebClient(t *testing.T, m *Main, user string) (*http.Client, func(string) string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(p string) string {
		resp, err := c.Get(m.URL() + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	post := func(p string, v url.Values) {
		resp, err := c.PostForm(m.URL()+p, v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 {
			t.Fatalf("%s as %s: %d", p, user, resp.StatusCode)
		}
	}
	post("/login", url.Values{"username": {user}, "password": {"demo-password"}, "csrf": {csrfField.FindStringSubmatch(get("/login"))[1]}})
	post("/login/totp", url.Values{"totp": {totpNow()}, "csrf": {csrfField.FindStringSubmatch(get("/login/totp"))[1]}})
	return c, get
}

// §6: staff record a bank transfer on the invoice page; a wrong amount comes back on
// the form with a Persian message and changes nothing; the right amount, written
// with Persian digits and separators, pays the invoice and resumes the case.
func TestStaffRecordABankPaymentOnTheInvoicePage_Section6(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	applicant := apiLogin(t, m, "demo-applicant", "")
	code := courseAwaitingPayment(t, m, applicant, apiLogin(t, m, "demo-expert", totpNow()))
	number, _ := caseInvoice(t, m, applicant, code)

	_, appGet := webClient(t, m, "demo-applicant")
	if page := appGet("/invoices"); !strings.Contains(page, "/invoices/"+number) {
		t.Fatal("the applicant's invoice list does not show the invoice")
	}
	if page := appGet("/invoices/" + number); !strings.Contains(page, "۴۹٬۵۰۰٬۰۰۰ ریال") || !strings.Contains(page, `id="invoice-pay"`) ||
		strings.Contains(page, `id="record"`) {
		t.Fatal("the applicant's invoice page lacks the amount or the pay button, or offers staff's form")
	}
	c, get := staffWebClient(t, m, "demo-supervisor")
	page := get("/invoices/" + number)
	if !strings.Contains(page, `id="record"`) {
		t.Fatal("the supervisor is not offered to record a bank payment")
	}
	csrf := csrfField.FindStringSubmatch(page)[1]
	pay := func(amount string) (int, string) {
		resp, err := c.PostForm(m.URL()+"/invoices/"+number+"/payments", url.Values{"reference": {"۱۲۳۴۵۶"}, "amount": {amount}, "csrf": {csrf}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := pay("1000"); status != 400 || !strings.Contains(body, "مبلغ باید با مبلغ قابل پرداخت صورتحساب برابر باشد") {
		t.Fatalf("wrong amount: %d", status)
	}
	if _, inv := doJSON(t, "GET", m.URL()+"/api/v1/invoices/"+number, applicant, "", ""); inv["invoice"].(map[string]any)["state"] != "unpaid" {
		t.Fatal("a refused payment changed the invoice")
	}
	if status, _ := pay("۴۹٬۵۰۰٬۰۰۰"); status != 303 {
		t.Fatalf("right amount: %d", status)
	}
	if page := get("/invoices/" + number); !strings.Contains(page, "123456") || !strings.Contains(page, "پرداخت‌شده") {
		t.Error("the invoice page does not show the bank payment")
	}
	if _, view := doJSON(t, "GET", m.URL()+"/api/v1/cases/"+code, applicant, "", ""); view["state"] != "payment_check" {
		t.Errorf("the case did not move on: %v", view["state"])
	}
}
