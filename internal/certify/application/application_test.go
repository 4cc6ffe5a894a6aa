package application

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/problem"
)

func certifyService(t *testing.T) *catalog.Service {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs {
		if s.Module == "certify" {
			return s
		}
	}
	t.Fatal("no certify service in the catalog")
	return nil
}

func TestParseFormNormalisesAndNamesTheField(t *testing.T) {
	svc := certifyService(t)
	ok := map[string]string{"product_name_fa": "حسابداري  كارا", "version": "۲.۱", "category": "payroll",
		"deployment": "cloud", "contact_name": "مریم", "contact_email": "m@example.org"}
	with := func(k, v string) string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		if v == "-" {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	f, err := ParseForm(svc, json.RawMessage(with("previous_certificate", "crt-۱۴۰۴-۰۰۰۰۱۲")))
	if err != nil {
		t.Fatal(err)
	}
	if f.ProductNameFa != "حسابداری کارا" || f.Version != "2.1" || f.PreviousCertificate != "CRT-1404-000012" {
		t.Fatalf("normalised: %+v", f)
	}
	tests := []struct{ name, form, field string }{
		{"no Persian name", with("product_name_fa", "-"), "product_name_fa"},
		{"Latin-only Persian name", with("product_name_fa", "Kara"), "product_name_fa"},
		{"no version", with("version", "-"), "version"},
		{"version with spaces", with("version", "2 beta"), "version"},
		{"unknown category", with("category", "games"), "category"},
		{"unknown deployment", with("deployment", "mainframe"), "deployment"},
		{"no contact name", with("contact_name", "-"), "contact_name"},
		{"no phone or e-mail", with("contact_email", "-"), "contact_phone"},
		{"bad phone", with("contact_phone", "12ab"), "contact_phone"},
		{"bad e-mail", with("contact_email", "not-mail"), "contact_email"},
		{"bad previous number", with("previous_certificate", "XYZ"), "previous_certificate"},
		{"too long", with("platform", strings.Repeat("و", 201)), "platform"},
		{"unknown field", `{"product_name_fa":"کارا","price":1}`, "form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseForm(svc, json.RawMessage(tt.form))
			if pe := problem.As(err); err == nil || pe.Code != problem.Invalid || pe.Field != tt.field {
				t.Fatalf("want an error on %s, got %v", tt.field, err)
			}
		})
	}
}

func testList(failed ...string) json.RawMessage {
	var out Checklist
	for i := 1; i <= 8; i++ {
		c := Criterion{ID: fmt.Sprintf("R-%d", i), Result: Pass}
		for _, f := range failed {
			if f == c.ID {
				c.Result, c.Note = Fail, "اصلاح شود"
			}
		}
		out = append(out, c)
	}
	b, _ := json.Marshal(out)
	return b
}

func TestReviewChecklistRules_C43(t *testing.T) {
	svc := certifyService(t)
	tests := []struct {
		name, transition string
		checklist        json.RawMessage
		wantKey          string
	}{
		{"pass with all passed", TransitionPass, testList(), ""},
		{"fail with one failure", TransitionFail, testList("R-3"), ""},
		{"no checklist", TransitionPass, nil, "certify.review.required"},
		{"missing criterion", TransitionPass, json.RawMessage(`[{"criterion":"R-1","result":"pass"}]`), "certify.review.missing"},
		{"pass with a failure", TransitionPass, testList("R-7"), "certify.review.pass_with_failures"},
		{"fail without failures", TransitionFail, testList(), "certify.review.fail_without_failures"},
		{"failure without note", TransitionFail, json.RawMessage(strings.Replace(string(testList()), `"R-2","result":"pass"`, `"R-2","result":"fail"`, 1)), "certify.review.note"},
		{"unknown result", TransitionPass, json.RawMessage(strings.Replace(string(testList()), `"R-2","result":"pass"`, `"R-2","result":"maybe"`, 1)), "certify.review.result"},
		{"duplicate", TransitionPass, json.RawMessage(strings.Replace(string(testList()), `"R-2"`, `"R-1"`, 1)), "certify.review.duplicate"},
		{"unknown criterion", TransitionPass, json.RawMessage(strings.Replace(string(testList()), `]`, `,{"criterion":"R-9","result":"pass"}]`, 1)), "certify.review.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reviewOf(svc, tt.transition, cases.TransitionInput{Checklist: tt.checklist})
			if tt.wantKey == "" {
				if err != nil || len(got) != 8 {
					t.Fatalf("got %v, %v", got, err)
				}
				return
			}
			if pe := problem.As(err); err == nil || pe.Key != tt.wantKey {
				t.Fatalf("want %s, got %v", tt.wantKey, err)
			}
		})
	}
}
