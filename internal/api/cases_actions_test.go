package api

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
	"github.com/itoir/miz/internal/web"
)

// adapters serves one case engine, with the CERTIFY module, through both the API
// and the web pages.
type adapters struct {
	t                     *testing.T
	api, web              http.Handler
	org, expert, stranger *identity.Principal
}

func newAdapters(t *testing.T, db *store.DB) *adapters {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := fixtures.New(t, db, nil)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, jalali.Tehran())
	engine := &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Docs: docs, Now: func() time.Time { return now },
		Modules: map[string]cases.Module{"certify": &application.Module{}}}
	list := func(context.Context) ([]*catalog.Service, error) { return svcs, nil }
	a := withDomain(&API{Log: slog.New(slog.DiscardHandler), Cases: engine, Services: list}, db)
	apiMux := http.NewServeMux()
	a.Routes(apiMux)
	s := webWithDomain(&web.Server{Log: slog.New(slog.DiscardHandler), Cases: engine, Services: list}, a, db)
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	webMux := http.NewServeMux()
	s.Routes(webMux)
	return &adapters{t: t, api: apiMux, web: webMux,
		org:      b.OrgApplicant("company", "legal"),
		expert:   b.Staff("expert", map[string][]identity.Role{"certify": {identity.Expert}}),
		stranger: b.Applicant("outsider")}
}

// dataAction finds the actions a case page offers: each is marked data-action.
var dataAction = regexp.MustCompile(`data-action="([^"]+)"`)

// both returns the action IDs the API's case answer and the web case page offer p,
// each sorted, and the API's answer.
func (ad *adapters) both(p *identity.Principal, code string) (fromAPI, fromWeb []string, body map[string]any) {
	ad.t.Helper()
	ca := &caseAPI{t: ad.t, h: ad.api}
	st, body := ca.do(p, "GET", "/api/v1/cases/"+code, "", nil)
	if st != http.StatusOK {
		ad.t.Fatalf("GET case: %d %v", st, body)
	}
	fromAPI = []string{}
	for _, a := range body["actions"].([]any) {
		fromAPI = append(fromAPI, a.(map[string]any)["id"].(string))
	}
	r := httptest.NewRequest("GET", "/cases/"+code, nil)
	r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: p, CSRF: "tok"}))
	w := httptest.NewRecorder()
	ad.web.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		ad.t.Fatalf("case page: %d %s", w.Code, w.Body)
	}
	fromWeb = []string{}
	for _, m := range dataAction.FindAllStringSubmatch(w.Body.String(), -1) {
		fromWeb = append(fromWeb, m[1])
	}
	slices.Sort(fromAPI)
	slices.Sort(fromWeb)
	return fromAPI, fromWeb, body
}

// TestCaseJSONOffersTheActionsOfTheWebPage (architecture #12): for the applicant
// and the expert at each step, GET /api/v1/cases/{code} lists exactly the actions
// the web case page offers; for CERTIFY's review that is the link to the checklist
// page, not bare pass/fail steps, while next_transitions still lets an API client
// take them with a checklist. A stranger gets 404 from both.
func TestCaseJSONOffersTheActionsOfTheWebPage(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ad := newAdapters(t, db)
		ca := &caseAPI{t: t, h: ad.api}
		st, body := ca.json(ad.org, "POST", "/api/v1/cases", `{"service":"certify","kind":"application","form":{"product_name_fa":"حسابداری کارا",
			"version":"2.1","category":"payroll","deployment":"cloud","contact_name":"مریم","contact_email":"m@example.org"}}`)
		if st != http.StatusCreated {
			t.Fatalf("open: %d %v", st, body)
		}
		code := body["tracking_code"].(string)
		check := func(name string, p *identity.Principal, want string) map[string]any {
			t.Helper()
			fromAPI, fromWeb, body := ad.both(p, code)
			if strings.Join(fromAPI, " ") != want || strings.Join(fromWeb, " ") != want {
				t.Fatalf("%s: API offers %v, web page %v, want %s", name, fromAPI, fromWeb, want)
			}
			return body
		}
		check("applicant's draft", ad.org, "certify-details discard message submit upload")
		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"} {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			_ = mw.WriteField("type", typ)
			fw, _ := mw.CreateFormFile("file", typ+".pdf")
			_, _ = fw.Write(pdf(typ))
			_ = mw.Close()
			if st, body := ca.do(ad.org, "POST", "/api/v1/cases/"+code+"/documents", mw.FormDataContentType(), &b); st != http.StatusCreated {
				t.Fatalf("upload %s: %d %v", typ, st, body)
			}
		}
		if st, body := ca.json(ad.org, "POST", "/api/v1/cases/"+code+"/submit", ""); st != http.StatusOK {
			t.Fatalf("submit: %d %v", st, body)
		}
		check("applicant in the completeness check", ad.org, "certify-details message")
		check("expert in the completeness check", ad.expert, "accept_documents certify-details claim internal_note message return_incomplete")
		st, body = ca.json(ad.expert, "POST", "/api/v1/cases/"+code+"/transitions", `{"transition":"accept_documents"}`)
		if st != http.StatusOK {
			t.Fatalf("accept documents: %d %v", st, body)
		}
		body = check("expert in review", ad.expert, "certify-details certify-review claim internal_note message")
		for _, a := range body["actions"].([]any) {
			if a := a.(map[string]any); a["id"] == application.ActionReview &&
				(a["kind"] != "link" || a["path"] != "/cases/"+code+"/certify#certify-review" || a["name"].(map[string]any)["fa"] == "") {
				t.Fatalf("review action %v", a)
			}
		}
		if next := fmt.Sprint(body["next_transitions"]); !strings.Contains(next, "pass_review") || !strings.Contains(next, "fail_criteria") {
			t.Fatalf("next_transitions %s", next)
		}
		checkAgainstSchema(t, body)
		if st, _ := ca.do(ad.stranger, "GET", "/api/v1/cases/"+code, "", nil); st != http.StatusNotFound {
			t.Fatalf("stranger: %d", st)
		}
	})
}

// checkAgainstSchema holds the case answer to its OpenAPI declaration: every field
// declared, every required field present.
func checkAgainstSchema(t *testing.T, body map[string]any) {
	t.Helper()
	s := caseSchema()
	props := s["properties"].(map[string]any)
	for k := range body {
		if _, ok := props[k]; !ok {
			t.Errorf("field %q is not declared", k)
		}
	}
	for _, k := range s["required"].([]string) {
		if _, ok := body[k]; !ok {
			t.Errorf("required field %q missing", k)
		}
	}
	item := props["actions"].(map[string]any)["items"].(map[string]any)["properties"].(map[string]any)
	for _, a := range body["actions"].([]any) {
		for k := range a.(map[string]any) {
			if _, ok := item[k]; !ok {
				t.Errorf("action field %q is not declared", k)
			}
		}
	}
}
