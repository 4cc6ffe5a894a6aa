package application

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFormProblemsAllAtOnce_Issue13: every field at fault is named at once, one
// problem each, in the form's order, and the first is the one ParseForm reports.
func TestFormProblemsAllAtOnce_Issue13(t *testing.T) {
	svc := certifyService(t)
	raw := json.RawMessage(`{"product_name_fa":"Kara","version":"2 beta","category":"games","contact_phone":"12"}`)
	probs := FormProblems(svc, raw)
	var got []string
	for _, p := range probs {
		got = append(got, p.Field+":"+p.Key)
	}
	want := "deployment:certify.form.required contact_name:certify.form.required product_name_fa:certify.form.persian " +
		"version:certify.form.version category:certify.form.category contact_phone:certify.form.phone"
	if strings.Join(got, " ") != want {
		t.Fatalf("problems =\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	_, err := ParseForm(svc, raw)
	if err == nil || err.Error() != probs[0].Error() {
		t.Fatalf("ParseForm = %v, want %v", err, probs[0])
	}
	if p := FormProblems(svc, json.RawMessage(`{"unknown":1}`)); len(p) != 1 || p[0].Field != "form" {
		t.Fatalf("undecodable form: %v", p)
	}
	ok := `{"product_name_fa":"کارا","version":"2","category":"payroll","deployment":"cloud","contact_name":"مریم","contact_email":"m@example.org"}`
	if p := FormProblems(svc, json.RawMessage(ok)); len(p) != 0 {
		t.Fatalf("a good form has problems: %v", p)
	}
}
