package catalog

import (
	"strings"
	"testing"
	"time"
)

func mustDefault(t *testing.T, id string) *Service {
	t.Helper()
	svcs, err := Defaults()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range svcs {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no default service %q", id)
	return nil
}

func TestCertifyProcessStartsTheClockOnSubmit_C41(t *testing.T) {
	k, ok := mustDefault(t, "certify").Kind("application")
	if !ok {
		t.Fatal("no application kind")
	}
	draft, _ := k.State(k.Process.Initial)
	if draft.CountsTime() || draft.Pause != PauseDraft {
		t.Errorf("draft %+v counts time", draft)
	}
	submit, ok := k.Transition("submit")
	if !ok || !submit.RequiresDocuments || submit.Role != RoleApplicant {
		t.Fatalf("submit = %+v", submit)
	}
	next, _ := k.State(submit.To)
	if !next.CountsTime() {
		t.Errorf("state after submit (%s) does not count time", next.ID)
	}
	incomplete, _ := k.State("incomplete")
	if incomplete.CountsTime() || incomplete.Pause != PauseIncomplete {
		t.Errorf("incomplete = %+v, want a paused clock", incomplete)
	}
	approve, _ := k.Transition("approve")
	if !approve.FourEyes || approve.Role != RoleSigner {
		t.Errorf("approve = %+v, want a four-eyes signer", approve)
	}
}

func TestTransitionsFrom(t *testing.T) {
	k, _ := mustDefault(t, "certify").Kind("application")
	var ids []string
	for _, tr := range k.TransitionsFrom("approval") {
		ids = append(ids, tr.ID)
	}
	if want := "approve send_back reject"; strings.Join(ids, " ") != want {
		t.Errorf("from approval: %q, want %q", strings.Join(ids, " "), want)
	}
	if got := k.TransitionsFrom("issued"); len(got) != 0 {
		t.Errorf("issued is terminal but has %d ways out", len(got))
	}
	if _, ok := k.Transition("nope"); ok {
		t.Error("found a transition that does not exist")
	}
	if _, ok := k.State("nope"); ok {
		t.Error("found a state that does not exist")
	}
}

func TestDocumentsForApplicantType_C42(t *testing.T) {
	s := mustDefault(t, "certify")
	names := func(ds []Document) map[string]bool {
		m := map[string]bool{}
		for _, d := range ds {
			m[d.ID] = true
		}
		return m
	}
	org := names(s.DocumentsFor("application", ApplicantOrg))
	person := names(s.DocumentsFor("application", ApplicantPerson))
	if !org["official_gazette"] || org["national_card"] {
		t.Errorf("a company's documents: %v", org)
	}
	if !person["national_card"] || person["official_gazette"] {
		t.Errorf("a person's documents: %v", person)
	}
	if !org["user_manual"] || !person["user_manual"] {
		t.Error("the user manual is asked of everyone")
	}
	if got := s.DocumentsFor("nope", ""); got != nil {
		t.Errorf("unknown kind gave %v", got)
	}
	if d, ok := s.Document("test_access"); !ok || d.MaxSize != 200<<20 {
		t.Errorf("test_access = %+v", d)
	}
}

func TestKindAcceptsApplicantTypes(t *testing.T) {
	s := mustDefault(t, "cert")
	inc, _ := s.Kind("incident")
	course, _ := s.Kind("course")
	if inc.Accepts(s, ApplicantPerson) || !inc.Accepts(s, ApplicantGovernment) {
		t.Error("incidents are for agencies and companies")
	}
	if !course.Accepts(s, ApplicantPerson) {
		t.Error("people may enrol in courses")
	}
}

func TestDurationAndPeriod(t *testing.T) {
	if d, ok := (Duration{30, UnitMinutes}).Wall(); !ok || d != 30*time.Minute {
		t.Errorf("30 minutes = %v %v", d, ok)
	}
	if _, ok := (Duration{3, UnitBusinessDays}).Wall(); ok {
		t.Error("business days have no fixed wall length")
	}
	start := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	if got := (Period{2, "years"}).AddTo(start); !got.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("2 years after %v = %v", start, got)
	}
}
