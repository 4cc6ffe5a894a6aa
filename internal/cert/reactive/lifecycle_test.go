package reactive

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestLifecyclePhasesAndClosureCodes: issue 15 — reported → triage → handling
// (containment, eradication, recovery recorded) → closed with a closure code; no
// closing step without its code, and "resolved" only after triage.
func TestLifecyclePhasesAndClosureCodes(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		first := d.report(t, `{"summary":"DDoS"}`)
		code := d.report(t, `{"summary":"DDoS again"}`)
		wantCode(t, d.s.RecordPhase(ctx, d.responder, code, PhaseContainment, "blocked", ""), problem.Conflict, "cert.phase.state")
		// Taken without triage (the generic step): closing as resolved is refused until triaged.
		if _, err := d.e.Transition(ctx, d.responder, code, cases.TransitionInput{Transition: TransitionTake}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, d.s.Close(ctx, d.responder, code, ClosureResolved, "", ""), problem.Conflict, "cert.triage.required")
		if _, err := d.e.Transition(ctx, d.responder, code, cases.TransitionInput{Transition: TransitionResolve, Decision: cases.DecisionApprove}); problem.As(err).Key != "cert.triage.required" {
			t.Fatalf("generic resolve without triage: %v", err)
		}
		_, err := d.e.Transition(ctx, d.responder, code, cases.TransitionInput{Transition: TransitionClose, Reason: "x"})
		wantCode(t, err, problem.Invalid, "cert.closure.required")
		wantCode(t, d.s.RecordPhase(ctx, d.responder, code, "lessons", "x", ""), problem.Invalid, "cert.phase.unknown")
		wantCode(t, d.s.RecordPhase(ctx, d.responder, code, PhaseContainment, "  ", ""), problem.Invalid, "cert.phase.note")
		wantCode(t, d.s.RecordPhase(ctx, d.responder, code, PhaseContainment, "x", "WHITE"), problem.Invalid, "cert.tlp.invalid")
		if err := d.s.Triage(ctx, d.responder, code, "availability", "ddos", "medium"); err != nil {
			t.Fatal(err)
		}
		for _, ph := range Phases() {
			d.clock.Add(time.Hour)
			if err := d.s.RecordPhase(ctx, d.responder, code, ph, "done: "+ph, ""); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, d.s.Close(ctx, d.responder, code, ClosureDuplicateOf, code, "same"), problem.Invalid, "cert.closure.duplicate_self")
		wantCode(t, d.s.Close(ctx, d.responder, code, ClosureDuplicateOf, "nonsense", "same"), problem.Invalid, "cert.closure.duplicate")
		wantCode(t, d.s.Close(ctx, d.responder, code, "fixed", "", ""), problem.Invalid, "cert.closure.code")
		if err := d.s.Close(ctx, d.responder, code, ClosureDuplicateOf, strings.ToLower(first), "گزارش تکراری"); err != nil {
			t.Fatal(err)
		}
		iv, err := d.s.Incident(ctx, d.responder, code)
		if err != nil {
			t.Fatal(err)
		}
		if iv.Case.State != "closed" || iv.Record.Code != ClosureDuplicateOf || iv.Record.DuplicateOf != first || len(iv.Phases) != 3 {
			t.Fatalf("state %s record %+v phases %d", iv.Case.State, iv.Record, len(iv.Phases))
		}
		wantCode(t, d.s.Triage(ctx, d.responder, code, "fraud", "phishing", "low"), problem.Conflict, "cert.triage.state")
		// The first: triaged with the first response, handled, resolved.
		if err := d.s.Triage(ctx, d.responder, first, "availability", "ddos", "high"); err != nil {
			t.Fatal(err)
		}
		if err := d.s.Close(ctx, d.responder, first, ClosureResolved, "", "رفع شد"); err != nil {
			t.Fatal(err)
		}
		if v, _ := d.e.Get(ctx, d.reporter, first); v.State != "resolved" || v.ClosedAt.IsZero() {
			t.Fatalf("first: %s", v.State)
		}
		// Not an incident, from the reported state.
		third := d.report(t, `{"summary":"false alarm"}`)
		if err := d.s.Close(ctx, d.analyst, third, ClosureNotAnIncident, "", "هشدار نادرست"); err != nil {
			t.Fatal(err)
		}
		if v, _ := d.e.Get(ctx, d.reporter, third); v.State != "not_incident" {
			t.Fatalf("third: %s", v.State)
		}
	})
}

// TestTLPOnIncidentNotesIndicatorsAndFiles: issue 15 — TLP 2.0 on each item of an
// incident, enforced in reads and exports.
func TestTLPOnIncidentNotesIndicatorsAndFiles(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		c, err := d.e.Open(ctx, d.reporter, cases.OpenInput{Service: "cert", Kind: KindIncident,
			Form: []byte(`{"summary":"نشت داده","tlp":"AMBER+STRICT","indicators":["1.2.3.4",{"value":"evil.ir","tlp":"RED"}]}`)})
		if err != nil {
			t.Fatal(err)
		}
		code := c.TrackingCode
		if _, err := d.e.AttachDocument(ctx, d.reporter, code, cases.AttachInput{Type: "incident_evidence", Filename: "log.txt",
			Declared: "text/plain", Body: strings.NewReader("Apr 4 10:00 sshd: failed password\n")}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.e.Submit(ctx, d.reporter, code); err != nil {
			t.Fatal(err)
		}
		if err := d.e.Claim(ctx, d.responder, code); err != nil {
			t.Fatal(err)
		}
		if err := d.s.Triage(ctx, d.responder, code, "information-content-security", "data-leak", "high"); err != nil {
			t.Fatal(err)
		}
		docs, _ := d.e.Documents(ctx, d.responder, code)
		if err := d.s.LabelFile(ctx, d.responder, code, docs[0].ID, "RED"); err != nil {
			t.Fatal(err)
		}
		if err := d.s.AddNote(ctx, d.responder, code, "فقط برای ما", "red"); err != nil {
			t.Fatal(err)
		}
		if err := d.s.AddNote(ctx, d.responder, code, "برای سازمان", ""); err != nil {
			t.Fatal(err)
		}
		wantCode(t, d.s.AddNote(ctx, d.responder, code, "x", "NOT-A-TLP"), problem.Invalid, "cert.tlp.invalid")
		seen := func(p string) (ind, notes, files, withheld int) {
			who := map[string]*identity.Principal{"reporter": d.reporter, "colleague": d.colleague, "responder": d.responder, "supervisor": d.supervisor}[p]
			iv, err := d.s.Incident(ctx, who, code)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			return len(iv.Indicators), len(iv.Notes), len(iv.Files), iv.Withheld
		}
		for _, tt := range []struct {
			who                             string
			ind, notes, files, withheldWant int
		}{
			// The reporter wrote the RED indicator and counts as named; the RED note and file are the CERT's, not named to them.
			{"reporter", 2, 2, 1, 0},
			{"colleague", 1, 1, 0, 3},
			{"responder", 2, 2, 1, 0}, // the assignee is a named recipient
			{"supervisor", 1, 1, 0, 3},
		} {
			ind, notes, files, withheld := seen(tt.who)
			if ind != tt.ind || notes != tt.notes || files != tt.files || withheld != tt.withheldWant {
				t.Errorf("%s sees %d indicators, %d notes, %d files, %d withheld; want %d %d %d %d", tt.who,
					ind, notes, files, withheld, tt.ind, tt.notes, tt.files, tt.withheldWant)
			}
		}
		var buf bytes.Buffer
		if err := d.s.Export(ctx, d.colleague, code, FormatMISP, &buf); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "evil.ir") || !strings.Contains(buf.String(), "tlp:amber+strict") {
			t.Fatalf("MISP export for a colleague: %s", buf.String())
		}
		buf.Reset()
		if err := d.s.Export(ctx, d.responder, code, FormatSTIX, &buf); err != nil {
			t.Fatal(err)
		}
		var b struct{ Objects []map[string]any }
		if err := json.Unmarshal(buf.Bytes(), &b); err != nil || !strings.Contains(buf.String(), "[domain-name:value = 'evil.ir']") {
			t.Fatalf("STIX export for the assignee: %v %s", err, buf.String())
		}
		wantCode(t, d.s.Export(ctx, d.responder, code, "csv", &buf), problem.Invalid, "cert.export.format")
		if _, err := d.s.Incident(ctx, d.outsider, code); problem.As(err).Code != problem.NotFound {
			t.Fatalf("outsider: %v", err)
		}
		// A RED report is its reporter's alone on the applicant's side.
		red := d.report(t, `{"summary":"محرمانه","tlp":"red"}`)
		if _, err := d.e.Get(ctx, d.colleague, red); problem.As(err).Code != problem.NotFound {
			t.Fatalf("a colleague read a RED report: %v", err)
		}
		if iv, err := d.s.Incident(ctx, d.reporter, red); err != nil || iv.Label != tlp.Red {
			t.Fatalf("reporter: %v", err)
		}
	})
}

// TestQueueOrdersBySeverityThenTimeLeft_Store: the queue method sorts what the
// engine lists by triage (issue 15, priority queue).
func TestQueueOrdersBySeverityThenTimeLeft_Store(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		low := d.report(t, `{"summary":"a"}`)
		d.clock.Add(time.Minute)
		crit := d.report(t, `{"summary":"b"}`)
		d.clock.Add(time.Minute)
		highLate := d.report(t, `{"summary":"c"}`)
		d.clock.Add(time.Minute)
		untriaged := d.report(t, `{"summary":"d"}`)
		highLast := d.report(t, `{"summary":"e"}`)
		for code, sev := range map[string]string{low: "low", crit: "critical", highLate: "high"} {
			if err := d.s.Triage(ctx, d.responder, code, "other", "undetermined", sev); err != nil {
				t.Fatal(err)
			}
		}
		// highLast was reported last, so its 24-hour target falls after highLate's.
		if err := d.s.Triage(ctx, d.responder, highLast, "other", "undetermined", "high"); err != nil {
			t.Fatal(err)
		}
		q, err := d.s.Queue(ctx, d.supervisor, "cert")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range q {
			got = append(got, l.TrackingCode)
		}
		want := []string{untriaged, crit, highLate, highLast, low} // same severity: least time left first
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("queue %v, want %v", got, want)
		}
	})
}
