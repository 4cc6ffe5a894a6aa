package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/problem"
)

// TestDecodeRefusesAmbiguousOrDirtyJSON: duplicate keys, keys that differ only in
// case (from each other or from the field's name), control characters and invalid
// UTF-8 are refused with a localized problem that names the field, instead of being
// resolved silently by encoding/json (Security #11 item 11).
func TestDecodeRefusesAmbiguousOrDirtyJSON(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		into       func() any
		key, field string
	}{
		{"duplicate key", `{"username":"a","username":"b","password":"x"}`, func() any { return new(loginRequest) }, "hardening.json.duplicate", "username"},
		{"keys differing in case", `{"username":"a","USERNAME":"b","password":"x"}`, func() any { return new(loginRequest) }, "hardening.json.case", "USERNAME"},
		{"key differing from the field in case", `{"Username":"a","password":"x"}`, func() any { return new(loginRequest) }, "hardening.json.case", "Username"},
		{"long s for s", `{"u\u017fername":"a","password":"x"}`, func() any { return new(loginRequest) }, "hardening.json.case", "u\u017fername"},
		{"NUL in a value", `{"username":"a\u0000b","password":"x"}`, func() any { return new(loginRequest) }, "hardening.json.control", "username"},
		{"escape in a nested value", `{"service":"certify","kind":"application","form":{"items":[{"note":"ok"},{"note":"\u001b[31m"}]}}`,
			func() any { return new(openCaseRequest) }, "hardening.json.control", "form.items[1].note"},
		{"duplicate inside a free-form object", `{"service":"certify","kind":"application","form":{"a":1,"a":2}}`,
			func() any { return new(openCaseRequest) }, "hardening.json.duplicate", "form.a"},
		{"invalid UTF-8", "{\"username\":\"a\xff\",\"password\":\"x\"}", func() any { return new(loginRequest) }, "hardening.json.utf8", "username"},
		{"lone surrogate", `{"username":"\ud800","password":"x"}`, func() any { return new(loginRequest) }, "hardening.json.utf8", "username"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", "application/json")
			err := decode(r, tc.into())
			pe := problem.As(err)
			if err == nil || pe.Code != problem.Invalid || pe.Key != tc.key || pe.Field != tc.field {
				t.Fatalf("decode = %v (%+v), want %s on %s", err, pe, tc.key, tc.field)
			}
			if msg := i18n.T(i18n.En, pe.Key, pe.Args...); !strings.Contains(msg, tc.field) || i18n.T(i18n.Fa, pe.Key, pe.Args...) == pe.Key {
				t.Fatalf("message %q does not name %s", msg, tc.field)
			}
		})
	}
	// Tabs and line breaks in text, and Persian with its joiner, are fine.
	r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(`{"body":"سلام\nمی\u200cخواهم\tبدانم"}`))
	r.Header.Set("Content-Type", "application/json")
	if err := decode(r, new(messageRequest)); err != nil {
		t.Fatalf("multi-line Persian text refused: %v", err)
	}
}
