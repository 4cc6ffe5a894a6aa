package web

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// submitted opens, documents and submits a CERTIFY application of cp.org with a
// product name, through the engine.
func (cp *casePages) submitted(t *testing.T, product string) string {
	t.Helper()
	ctx := context.Background()
	c, err := cp.s.Cases.Open(ctx, cp.org, cases.OpenInput{Service: "certify", Kind: "application",
		Form: []byte(`{"product_name_fa":"` + product + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"} {
		if _, err := cp.s.Cases.AttachDocument(ctx, cp.org, c.TrackingCode, cases.AttachInput{Type: typ, Filename: typ + ".pdf",
			Declared: "application/pdf", Body: bytes.NewReader([]byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cp.s.Cases.Submit(ctx, cp.org, c.TrackingCode); err != nil {
		t.Fatal(err)
	}
	return c.TrackingCode
}

// TestStaffLandOnTheQueueWithWork_Issue13: after sign-in a member of staff of cert
// and certify lands on the certify queue, where a case waits, not on the empty cert
// queue that sorts first; the queue opens there too, its row names the product and
// the applicant with time left, and a search that matches nothing says so.
func TestStaffLandOnTheQueueWithWork_Issue13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp := newCasePages(t, db)
		both := fixtures.New(t, db, nil).Staff("both", map[string][]identity.Role{"cert": {identity.Expert}, "certify": {identity.Expert}})
		code := cp.submitted(t, "سامانه حقوق")
		w := cp.do(both, "GET", "/work", "", nil)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/queue?service=certify" {
			t.Fatalf("landing: %d %q", w.Code, w.Header().Get("Location"))
		}
		body := cp.do(both, "GET", "/queue", "", nil).Body.String()
		for _, want := range []string{`data-code="` + code + `"`, "سامانه حقوق", `class="badge ok time-left"`, `aria-current="page">` + serviceNameFa(t, "certify")} {
			if !strings.Contains(body, want) {
				t.Fatalf("queue lacks %q: %s", want, body)
			}
		}
		if body = cp.do(both, "GET", "/queue?service=certify&q=zzz", "", nil).Body.String(); !strings.Contains(body, `id="queue-empty"`) {
			t.Fatalf("a search matching nothing: %s", body)
		}
		if body = cp.do(both, "GET", "/queue?service=certify&q=%D8%AD%D9%82%D9%88%D9%82", "", nil).Body.String(); !strings.Contains(body, code) {
			t.Fatalf("search by product: %s", body)
		}
		if w = cp.do(cp.org, "GET", "/work", "", nil); w.Header().Get("Location") != "/" {
			t.Fatalf("an applicant lands on %q", w.Header().Get("Location"))
		}
		rec := cp.do(cp.org, "GET", "/cases/"+code+"/receipt", "", nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="receipt-code">`+code) || !strings.Contains(rec.Body.String(), `id="receipt-due"`) {
			t.Fatalf("receipt: %d %s", rec.Code, rec.Body)
		}
	})
}

func serviceNameFa(t *testing.T, id string) string {
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs {
		if s.ID == id {
			return s.Name.FA
		}
	}
	t.Fatalf("no service %s", id)
	return ""
}

// TestVisitShowsEveryProblemInPlace_Issue13: a visit with a day that does not exist
// and no reason stays on the case page with both problems marked (400), and a
// Jalali day from the picker records the visit (SLA C-4.8).
func TestVisitShowsEveryProblemInPlace_Issue13(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp, sup := newDeskPages(t, db)
		code := cp.submitted(t, "بایگانی")
		w := cp.post(sup, "/cases/"+code+"/visits", url.Values{"date_year": {"1405"}, "date_month": {"12"}, "date_day": {"31"}, "reason": {""}})
		body := w.Body.String()
		if w.Code != http.StatusBadRequest || !strings.Contains(body, `id="visit-date-error"`) || !strings.Contains(body, `id="visit-reason-error"`) ||
			!strings.Contains(body, `id="tracking-code"`) {
			t.Fatalf("visit with two mistakes: %d %s", w.Code, body)
		}
		w = cp.post(sup, "/cases/"+code+"/visits", url.Values{"date_year": {"1405"}, "date_month": {"9"}, "date_day": {"3"}, "reason": {"تحویل"}, "override_reason": {"آزمون"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("visit from the picker: %d %s", w.Code, w.Body)
		}
	})
}

// TestDecisionStepsRecordTheirOwnDecision_Issue13: each decision step of CERTIFY
// records the decision its name says; no reject form can be sent as an approval.
func TestDecisionStepsRecordTheirOwnDecision_Issue13(t *testing.T) {
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	var k *catalog.CaseKind
	for _, s := range svcs {
		if s.ID == "certify" {
			k, _ = s.Kind("application")
		}
	}
	var steps []cases.Action
	for i := range k.Process.Transitions {
		t := &k.Process.Transitions[i]
		steps = append(steps, cases.Action{ID: t.ID, Kind: cases.ActionTransition, Transition: t})
	}
	got := impliedDecisions(k, steps)
	want := map[string]string{"approve": "approve", "reject": "reject", "reject_review": "reject", "fail_criteria": "reject", "pass_review": "approve"}
	for id, d := range want {
		if got[id] != d {
			t.Errorf("%s records %q, want %q", id, got[id], d)
		}
	}
}

// TestPickedTimeReadsTheJalaliPicker: the picker's parts make a Tehran time; a day
// that does not exist is refused on its field; the old single field still works.
func TestPickedTimeReadsTheJalaliPicker(t *testing.T) {
	req := func(v url.Values) *http.Request {
		r := httptest.NewRequest("POST", "/", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_ = r.ParseForm()
		return r
	}
	at, err := pickedTime(req(url.Values{"start_year": {"1405"}, "start_month": {"9"}, "start_day": {"2"}, "start_time": {"۱۴:۳۰"}}), "start")
	if err != nil || at.UTC().Format("2006-01-02 15:04") != "2026-11-23 11:00" {
		t.Fatalf("picker: %v %v", at.UTC(), err)
	}
	if _, err := pickedTime(req(url.Values{"start_year": {"1405"}, "start_month": {"12"}, "start_day": {"31"}}), "start"); err == nil {
		t.Fatal("a day that does not exist was taken")
	}
	if at, err := pickedTime(req(url.Values{"start": {"1405-09-02 14:30"}}), "start"); err != nil || at.IsZero() {
		t.Fatalf("single field: %v %v", at, err)
	}
	if at, err := pickedTime(req(url.Values{}), "start"); err != nil || !at.IsZero() {
		t.Fatalf("empty: %v %v", at, err)
	}
}

// TestQuestionsOpenOnTheServiceWithAQuestion_C47: the questions list of a member of
// staff of cert and certify opens on certify, where a question waits (issue 13).
func TestQuestionsOpenOnTheServiceWithAQuestion_C47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		cp, _ := newDeskPages(t, db)
		both := fixtures.New(t, db, nil).Staff("both", map[string][]identity.Role{"cert": {identity.Expert}, "certify": {identity.Expert}})
		code := cp.submitted(t, "انبارداری")
		if w := cp.post(cp.org, "/questions", url.Values{"case": {code}, "body": {"پرونده ما کجاست؟"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("ask: %d", w.Code)
		}
		if body := cp.do(both, "GET", "/questions", "", nil).Body.String(); !strings.Contains(body, `<a href="/questions?service=certify" aria-current="page">`) {
			t.Fatalf("questions list opened elsewhere: %s", body)
		}
	})
}

// TestIssue13KeysExistInBothLanguages: every ux2 message a template names exists in
// Persian and English, so no page shows a key instead of words.
func TestIssue13KeysExistInBothLanguages(t *testing.T) {
	keys := regexp.MustCompile(`"(ux2\.[a-z_.]*[a-z_])"`)
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(entries) == 0 {
		t.Fatalf("templates: %v", err)
	}
	seen := 0
	for _, e := range entries {
		b, err := fs.ReadFile(templateFS, e)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keys.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !i18n.Has(m[1]) {
				t.Errorf("%s names %s, which is not in both languages", e, m[1])
			}
		}
	}
	if seen < 20 {
		t.Fatalf("only %d ux2 keys found in the templates", seen)
	}
}
