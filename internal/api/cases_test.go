package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/documents"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

type caseAPI struct {
	t       *testing.T
	h       http.Handler
	now     time.Time
	org     *identity.Principal
	expert  *identity.Principal
	outside *identity.Principal
}

func newCaseAPI(t *testing.T, db *store.DB) *caseAPI {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := documents.NewDisk(t.TempDir(), documents.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ca := &caseAPI{t: t, now: time.Date(2026, 11, 21, 8, 0, 0, 0, jalali.Tehran())}
	b := fixtures.New(t, db, nil)
	ca.org = b.OrgApplicant("company", "legal")
	ca.expert = b.Staff("expert", map[string][]identity.Role{"certify": {identity.Expert}})
	ca.outside = b.Applicant("outsider")
	engine := &cases.Engine{DB: db, Catalog: cases.StaticCatalog(svcs), Docs: docs, Now: func() time.Time { return ca.now }}
	a := &API{Log: slog.New(slog.DiscardHandler), Cases: engine,
		Services: func(context.Context) ([]*catalog.Service, error) { return svcs, nil }}
	mux := http.NewServeMux()
	withDomain(a, db)
	a.Routes(mux)
	ca.h = mux
	return ca
}

// do sends a request as p (nil: anonymous) and decodes the JSON answer.
func (ca *caseAPI) do(p *identity.Principal, method, path, ctype string, body io.Reader) (int, map[string]any) {
	ca.t.Helper()
	r := httptest.NewRequest(method, path, body)
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if p != nil {
		r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: p, Bearer: true}))
	}
	w := httptest.NewRecorder()
	ca.h.ServeHTTP(w, r)
	out := map[string]any{}
	if w.Body.Len() > 0 {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			ca.t.Fatalf("%s %s: %d %q is not JSON", method, path, w.Code, w.Body.String())
		}
	}
	return w.Code, out
}

func (ca *caseAPI) json(p *identity.Principal, method, path, body string) (int, map[string]any) {
	return ca.do(p, method, path, "application/json", strings.NewReader(body))
}

func (ca *caseAPI) upload(p *identity.Principal, code, typ string, content []byte) (int, map[string]any) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("type", typ)
	fw, _ := mw.CreateFormFile("file", typ+".pdf")
	_, _ = fw.Write(content)
	_ = mw.Close()
	return ca.do(p, "POST", "/api/v1/cases/"+code+"/documents", mw.FormDataContentType(), &b)
}

func pdf(tag string) []byte {
	return []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + tag + "\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
}

func TestCaseAPIOpenUploadSubmitAndClock_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ca := newCaseAPI(t, db)
		st, body := ca.json(ca.org, "POST", "/api/v1/cases", `{"service":"certify","kind":"application","form":{"product":"دفتر"}}`)
		if st != http.StatusCreated {
			t.Fatalf("open: %d %v", st, body)
		}
		code := body["tracking_code"].(string)
		st, body = ca.upload(ca.org, code, "national_card", pdf("x"))
		if st != http.StatusBadRequest || body["error"].(map[string]any)["field"] != "type" {
			t.Fatalf("unlisted document (C-4.2): %d %v", st, body)
		}
		st, body = ca.json(ca.org, "POST", "/api/v1/cases/"+code+"/submit", "")
		if st != http.StatusBadRequest {
			t.Fatalf("submit without documents: %d %v", st, body)
		}
		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"} {
			if st, body = ca.upload(ca.org, code, typ, pdf(typ)); st != http.StatusCreated {
				t.Fatalf("upload %s: %d %v", typ, st, body)
			}
		}
		if st, body = ca.json(ca.org, "POST", "/api/v1/cases/"+code+"/submit", ""); st != http.StatusOK {
			t.Fatalf("submit: %d %v", st, body)
		}
		if st, body = ca.json(ca.org, "POST", "/api/v1/cases/"+code+"/submit", ""); st != http.StatusConflict {
			t.Fatalf("double submit: %d %v", st, body)
		}
		ca.now = ca.now.Add(2 * time.Hour)
		st, body = ca.do(ca.org, "GET", "/api/v1/cases/"+code, "", nil)
		if st != http.StatusOK {
			t.Fatalf("get: %d %v", st, body)
		}
		clock := body["sla"].(map[string]any)
		if clock["business_seconds_used"].(float64) != 7200 || clock["business_seconds_budget"].(float64) != 30*7*3600 ||
			clock["paused"] != false || !strings.HasSuffix(clock["due_at"].(string), "+03:30") {
			t.Fatalf("sla = %v", clock)
		}
		if st, _ = ca.do(ca.outside, "GET", "/api/v1/cases/"+code, "", nil); st != http.StatusNotFound {
			t.Fatalf("someone else's case: %d, want 404", st)
		}
		if st, _ = ca.do(nil, "GET", "/api/v1/cases/"+code, "", nil); st != http.StatusUnauthorized {
			t.Fatalf("anonymous: %d, want 401", st)
		}
		typo := "X"
		if strings.HasSuffix(code, "X") {
			typo = "Y" // the check character must really change
		}
		st, body = ca.do(ca.org, "GET", "/api/v1/cases/"+code[:len(code)-1]+typo, "", nil)
		if st != http.StatusBadRequest {
			t.Fatalf("typo in code: %d %v", st, body)
		}
		st, body = ca.do(ca.org, "GET", "/api/v1/cases/"+code+"/history", "", nil)
		if st != http.StatusOK || len(body["events"].([]any)) != 2 {
			t.Fatalf("history: %d %v", st, body)
		}
	})
}

func TestCaseAPITransitionsAndQueue_C43(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ca := newCaseAPI(t, db)
		_, body := ca.json(ca.org, "POST", "/api/v1/cases", `{"service":"certify","kind":"application"}`)
		code := body["tracking_code"].(string)
		for _, typ := range []string{"official_gazette", "signatories_letter", "product_description", "user_manual", "test_access", "ownership_declaration"} {
			ca.upload(ca.org, code, typ, pdf(typ))
		}
		ca.json(ca.org, "POST", "/api/v1/cases/"+code+"/submit", "")
		st, body := ca.json(ca.org, "POST", "/api/v1/cases/"+code+"/transitions", `{"transition":"accept_documents"}`)
		if st != http.StatusForbidden {
			t.Fatalf("applicant takes a staff step: %d %v", st, body)
		}
		st, body = ca.do(ca.expert, "GET", "/api/v1/queue?service=certify", "", nil)
		if st != http.StatusOK || len(body["cases"].([]any)) != 1 {
			t.Fatalf("queue: %d %v", st, body)
		}
		st, body = ca.json(ca.expert, "POST", "/api/v1/cases/"+code+"/return", `{"items":[{"item":"user_manual","note":"ناخوانا"}]}`)
		if st != http.StatusOK || body["state"] != "incomplete" || body["sla"].(map[string]any)["paused"] != true {
			t.Fatalf("return incomplete: %d %v", st, body)
		}
		if st, body = ca.json(ca.org, "POST", "/api/v1/cases/"+code+"/resubmit", ""); st != http.StatusOK || body["state"] != "completeness_check" {
			t.Fatalf("resubmit: %d %v", st, body)
		}
		st, body = ca.json(ca.expert, "POST", "/api/v1/cases/"+code+"/transitions", `{"transition":"accept_documents"}`)
		if st != http.StatusOK || body["state"] != "technical_review" {
			t.Fatalf("accept: %d %v", st, body)
		}
		st, body = ca.json(ca.expert, "POST", "/api/v1/cases/"+code+"/transitions", `{"transition":"pass_review"}`)
		if st != http.StatusBadRequest || body["error"].(map[string]any)["field"] != "decision" {
			t.Fatalf("missing decision: %d %v", st, body)
		}
		if st, _ = ca.json(ca.expert, "POST", "/api/v1/cases/"+code+"/messages", `{"body":"یادداشت","internal":true}`); st != http.StatusCreated {
			t.Fatalf("internal note: %d", st)
		}
		st, body = ca.do(ca.org, "GET", "/api/v1/cases/"+code+"/messages", "", nil)
		if st != http.StatusOK || len(body["messages"].([]any)) != 0 {
			t.Fatalf("applicant sees internal notes: %d %v", st, body)
		}
		st, body = ca.do(nil, "GET", "/api/v1/track/"+strings.ToLower(code), "", nil)
		if st != http.StatusOK || body["state"] != "technical_review" || body["form"] != nil {
			t.Fatalf("track: %d %v", st, body)
		}
	})
}
