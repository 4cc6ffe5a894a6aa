package catalog

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func minimal(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit replaces old with new in src, failing the test if old is not there,
// so that a test cannot pass by editing nothing.
func edit(t *testing.T, src, old, new string) string {
	t.Helper()
	if !strings.Contains(src, old) {
		t.Fatalf("%q not in the file", old)
	}
	return strings.Replace(src, old, new, 1)
}

func problems(t *testing.T, src string) []Problem {
	t.Helper()
	_, err := Parse("s.yaml", []byte(src))
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %T is not a *ValidationError: %v", err, err)
	}
	return ve.Problems
}

func TestMinimalServiceParses(t *testing.T) {
	s, err := Parse("minimal.yaml", []byte(minimal(t)))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := s.Kind("request")
	// The kind inherits the service's delivery time and the default policy.
	if k.DeliveryTime.Maximum != (Duration{5, UnitBusinessDays}) || k.SLA.OnResubmit != ResubmitResume {
		t.Errorf("kind = %+v", k)
	}
	if s.Documents[0].MaxSize != 1<<20 {
		t.Errorf("max_size = %d", s.Documents[0].MaxSize)
	}
}

func TestParseReportsProblemsWithLines(t *testing.T) {
	tests := []struct {
		name, old, new string
		line           int
		want           string
	}{
		{"unknown field", "max_visits: 1", "max_visits: 1\nmax_visit: 2", 13, `unknown field "max_visit"`},
		{"wrong shape", "max_visits: 1", "max_visits: many", 12, "want a whole number"},
		{"duplicate key", "max_visits: 1", "max_visits: 1\nmax_visits: 2", 13, `field "max_visits" given twice`},
		{"missing field", "type: G2C\n", "", 1, `missing required field "type"`},
		{"unknown type", "type: G2C", "type: B2B", 6, `type: want one of [G2C G2B G2G], got "B2B"`},
		{"missing English", "{fa: نمونه, en: Sample}", "{fa: نمونه}", 5, "name: missing the English text (en)"},
		{"unknown unit", "{amount: 2, unit: business_days}", "{amount: 2, unit: weeks}", 10, "delivery_time.average.unit: want one of"},
		{"zero amount", "{amount: 2, unit: business_days}", "{amount: 0, unit: business_days}", 10, "want a positive amount"},
		{"average over maximum", "{amount: 2, unit: business_days}", "{amount: 9, unit: business_days}", 10, "the average 9 exceeds the maximum 5"},
		{"quorum", "quorum: 1", "quorum: 0", 26, "want a committee quorum of 1 or more"},
		{"obligation id", "id: C-4.1,", "id: C-5.1,", 28, `want an SLA obligation ID such as C-4.1, got "C-5.1"`},
		{"obligation party", "{id: C-4.1, party: organization", "{id: C-4.1, party: applicant", 28, "obligation C-4.1 binds the organization, not the applicant"},
		{"data class id", "id: D-1", "id: X-1", 30, `want a data class ID such as D-1`},
		{"public", `public: "no"`, `public: maybe`, 36, "want one of [yes no if_needed]"},
		{"warnings range", "obligations:", "sla: {warnings: [0.5, 1.5]}\nobligations:", 27, "want a fraction between 0 and 1, got 1.5"},
		{"warnings order", "obligations:", "sla: {warnings: [0.9, 0.75]}\nobligations:", 27, "warnings must ascend"},
		{"on_resubmit", "obligations:", "sla: {on_resubmit: later}\nobligations:", 27, "want one of [resume restart]"},
		{"period backwards", "to: 2026-03-20", "to: 2024-03-20", 38, "the period ends (2024-03-20) before it starts (2025-03-21)"},
		{"bad date", "to: 2026-03-20", "to: 1404/12/29", 38, `want a date as YYYY-MM-DD, got "1404/12/29"`},
		{"document type", "types: [pdf]", "types: [exe]", 40, `want one of [pdf png jpeg zip docx xlsx odt txt], got "exe"`},
		{"document size", "max_size: 1MB", "max_size: huge", 40, "want a positive size such as 10MB"},
		{"condition missing", "required: always", "required: conditional", 40, `missing required field "condition"`},
		{"document applicant", "required: always}", "required: always, applicant_types: [government]}", 40, `the service does not accept applicant type "government"`},
		{"unknown document", "documents: [card]", "documents: [card, passport]", 44, `no document "passport"`},
		{"fixed fee without amount", "amount: 1000000", "amount: 0", 13, "a fixed fee needs a positive amount"},
		{"free fee with amount", "basis: fixed", "basis: free", 13, "only a fixed fee has an amount"},
		{"initial", "initial: draft", "initial: start", 46, `initial: no state "start"`},
		{"unknown holder", "holder: organization", "holder: clerk", 49, "holder: want one of [organization applicant none]"},
		{"terminal held", "holder: none, terminal: true", "holder: organization, terminal: true, roles: [expert]", 50, "a terminal state is held by no one"},
		{"pause on org state", "holder: organization, roles", "holder: organization, pause: payment, roles", 49, "only a state the applicant holds pauses the clock"},
		{"unknown role", "roles: [expert]", "roles: [janitor]", 49, `want one of [expert supervisor signer committee editor analyst responder applicant], got "janitor"`},
		{"role not in state", "role: expert", "role: signer", 53, `role "signer" may not act in state "review"`},
		{"to missing", "to: done", "to: finished", 53, `to: no state "finished"`},
		{"duplicate state", "{id: done, name: {fa: پایان, en: Done}", "{id: review, name: {fa: پایان, en: Done}", 50, `id "review" used twice`},
		{"dead end", "{id: finish, from: review, to: done, role: expert", "{id: finish, from: draft, to: done, role: applicant", 49, `state "review" is not terminal but has no way out`},
		{"unreachable", "      transitions:", "        - {id: lost, name: {fa: گم, en: Lost}, holder: none, terminal: true}\n      transitions:", 51, `state "lost" cannot be reached`},
		{"no terminal reachable", "to: done", "to: review", 46, "no terminal state can be reached"},
		{"transition documents", "requires_documents: true}", "requires_documents: true, documents: [passport]}", 52, `document "passport" is not among the kind's documents`},
		{"state budget", "roles: [expert]}", "roles: [expert], budget: {amount: -1, unit: hours}}", 49, "budget.amount: want a positive amount"},
		{"module list", "case_kinds:", "module_config: {lists: {criteria: [{id: R-1, name: {fa: یک, en: One}}, {id: R-1, name: {fa: دو, en: Two}}]}}\ncase_kinds:", 41, `id "R-1" used twice`},
		{"module period", "case_kinds:", "module_config: {periods: {validity: {amount: 2, unit: decades}}}\ncase_kinds:", 41, "want one of [years months days]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problems(t, edit(t, minimal(t), tt.old, tt.new))
			for _, p := range ps {
				if strings.Contains(p.Message, tt.want) {
					if p.Line != tt.line || p.File != "s.yaml" {
						t.Errorf("%s at %s:%d, want s.yaml:%d", tt.want, p.File, p.Line, tt.line)
					}
					return
				}
			}
			t.Errorf("no problem %q among %v", tt.want, ps)
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := minimal(t)
	src = edit(t, src, "type: G2C", "type: X")
	src = edit(t, src, "quorum: 1", "quorum: 0")
	src = edit(t, src, "to: done", "to: gone")
	src = edit(t, src, "max_visits: 1", "max_visits: 1\ncolour: blue")
	ps := problems(t, src)
	if len(ps) != 4 {
		t.Fatalf("got %d problems, want 4:\n%v", len(ps), ps)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Line < ps[i-1].Line {
			t.Errorf("problems out of line order: %v", ps)
		}
	}
	err := &ValidationError{Problems: ps}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "s.yaml:6: type:") {
		t.Errorf("Error() =\n%s", err)
	}
}

func TestParseRejectsWholeFileProblems(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty", "", "s.yaml: file is empty"},
		{"list at top", "- a\n- b\n", "s.yaml:1: want a mapping of service fields"},
		{"syntax", "id: [unclosed\n", "s.yaml:"},
		{"two documents", "id: a\n---\nid: b\n", "s.yaml:2: a file holds one service"},
		{"too big", "id: " + strings.Repeat("a", maxFileSize), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("s.yaml", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("err %T is not a *ValidationError", err)
			}
		})
	}
}

func ExampleParse() {
	_, err := Parse("broken.yaml", []byte("id: Broken\nversion: 0\n"))
	fmt.Println(strings.Split(err.Error(), "\n")[0])
	// Output: broken.yaml:1: missing required field "effective_from"
}
