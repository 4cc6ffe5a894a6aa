package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// requestBodies are fresh values of the request structs the API decodes, so one
// fuzz target covers every JSON body shape the routes accept.
var requestBodies = []func() any{
	func() any { return new(loginRequest) },
	func() any { return new(tokenRequest) },
	func() any { return new(registerRequest) },
	func() any { return new(openCaseRequest) },
	func() any { return new(transitionRequest) },
	func() any { return new(returnRequest) },
	func() any { return new(messageRequest) },
	func() any { return new(disputeRequest) },
	func() any { return new(settlementRequest) },
	func() any { return new(fileRequest) },
	func() any { return new(decisionRequest) },
	func() any { return new(feedbackRequest) },
	func() any { return new(askRequest) },
	func() any { return new(visitRequest) },
	func() any { return new(checkRequest) },
}

// FuzzDecode sends arbitrary bodies and content types through decode, under the
// same 64 KB limit the routes set. It must never panic; a refusal must be one of the
// three client errors with a message in both languages; an accepted body must
// encode again and decode to the same value.
func FuzzDecode(f *testing.F) {
	f.Add(uint8(0), "application/json", []byte(`{"username":"demo-applicant","password":"demo-password"}`))
	f.Add(uint8(3), "application/json; charset=utf-8", []byte(`{"service":"certify","kind":"application","form":{"a":[1,2,{"b":null}]}}`))
	f.Add(uint8(4), "application/json", []byte(`{"transition":"approve","decision":"approve","version":3,"checklist":[{"criterion":"R-1","result":"pass"}]}`))
	f.Add(uint8(5), "application/json", []byte(`{"items":[{"item":"national_card","note":"خوانا نیست"}],"version":1}`))
	f.Add(uint8(6), "application/json", []byte(`{"body":"سلام","internal":true} {}`))
	f.Add(uint8(1), "application/json", []byte(`{"name":"ci","scopes":["cases:read"],"admin":true}`))
	f.Add(uint8(2), "text/plain", []byte(`{}`))
	f.Add(uint8(4), "application/json", []byte(`{"version":1e400}`))
	f.Add(uint8(0), "application/json", []byte(`{"username":"\ud800"}`))
	f.Add(uint8(7), "application/json;;", []byte(``))
	f.Fuzz(func(t *testing.T, which uint8, ctype string, body []byte) {
		newBody := requestBodies[int(which)%len(requestBodies)]
		v := newBody()
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		r.Body = http.MaxBytesReader(rec, r.Body, 64<<10)
		err := decode(r, v)
		if err != nil {
			pe := problem.As(err)
			switch pe.Code {
			case problem.Invalid, problem.TooLarge, problem.Unsupported:
			default:
				t.Fatalf("refusal %v is not a client error: %v", pe.Code, err)
			}
			for _, lang := range []i18n.Lang{i18n.Fa, i18n.En} {
				if msg := i18n.T(lang, pe.Key, pe.Args...); msg == "" || msg == pe.Key {
					t.Fatalf("refusal %q has no %s message", pe.Key, lang)
				}
			}
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("accepted body does not encode: %v", err)
		}
		again := newBody()
		r2 := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(b))
		r2.Header.Set("Content-Type", "application/json")
		if err := decode(r2, again); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if b2, _ := json.Marshal(again); !bytes.Equal(b, b2) {
			t.Fatalf("round trip changed the body:\n%s\n%s", b, b2)
		}
	})
}
