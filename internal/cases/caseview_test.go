package cases

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// actionIDs lists the IDs of a view's actions, each with its kind ("id:kind").
func actionIDs(v *CaseView) string {
	var out []string
	for _, a := range v.Actions {
		out = append(out, a.ID+":"+string(a.Kind))
	}
	return strings.Join(out, " ")
}

// TestCaseViewOffersEachCallerExactlyTheirActions (architecture #12): one read gives
// the applicant, the assigned expert, a supervisor, another service's expert and a
// stranger exactly what each may do, or the error Get gives them.
func TestCaseViewOffersEachCallerExactlyTheirActions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		draft := f.open(t, f.org, "certify", "application")
		v, err := f.e.CaseView(ctx, f.org, draft.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := actionIDs(v), "submit:transition discard:transition upload:upload message:message"; got != want {
			t.Fatalf("applicant's draft offers %q, want %q", got, want)
		}

		c := f.submitted(t)
		if err := f.e.Claim(ctx, f.expert, c.TrackingCode); err != nil {
			t.Fatal(err)
		}
		stranger := &identity.Principal{Account: identity.Account{ID: f.person.ID, Kind: identity.KindPerson, PersonID: f.person.PersonID}}
		tests := []struct {
			name string
			p    *identity.Principal
			want string
			code problem.Code
		}{
			{"applicant", f.org, "message:message", ""},
			{"assigned expert", f.expert, "return_incomplete:return accept_documents:transition claim:claim message:message internal_note:internal_note", ""},
			{"supervisor without a step here", f.supervisor, "message:message internal_note:internal_note", ""},
			{"another service's expert", f.certExpert, "", problem.NotFound},
			{"stranger", stranger, "", problem.NotFound},
			{"nobody signed in", nil, "", problem.Unauthorized},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v, err := f.e.CaseView(ctx, tt.p, c.TrackingCode)
				_, getErr := f.e.Get(ctx, tt.p, c.TrackingCode)
				if tt.code != "" {
					wantCode(t, err, tt.code, "")
					wantCode(t, getErr, tt.code, "") // the same rule as Get
					return
				}
				if err != nil || getErr != nil {
					t.Fatalf("CaseView: %v; Get: %v", err, getErr)
				}
				if got := actionIDs(v); got != tt.want {
					t.Fatalf("actions %q, want %q", got, tt.want)
				}
			})
		}
	})
}

// TestCaseViewIsTheFiveReadsInOne (architecture #12): the one read returns what
// Get, Documents, Messages, History and Deficiencies return separately, with the
// internal notes still hidden from the applicant.
func TestCaseViewIsTheFiveReadsInOne(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		if _, err := f.e.AddMessage(ctx, f.org, c.TrackingCode, "نسخه ۲ را بررسی کنید"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.AddInternalNote(ctx, f.expert, c.TrackingCode, "یادداشت داخلی"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.ReturnIncomplete(ctx, f.expert, c.TrackingCode, ReturnInput{Items: []Deficiency{{Item: "user_manual", Note: "ناخوانا"}}}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*identity.Principal{f.org, f.expert} {
			v, err := f.e.CaseView(ctx, p, c.TrackingCode)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := f.e.Get(ctx, p, c.TrackingCode)
			docs, _ := f.e.Documents(ctx, p, c.TrackingCode)
			msgs, _ := f.e.Messages(ctx, p, c.TrackingCode)
			hist, _ := f.e.History(ctx, p, c.TrackingCode)
			defs, _ := f.e.Deficiencies(ctx, p, c.TrackingCode)
			if !reflect.DeepEqual(v.Case, g.Case) || !reflect.DeepEqual(v.Clock, g.Clock) || !reflect.DeepEqual(v.Next, g.Next) ||
				!reflect.DeepEqual(v.Documents, docs) || !reflect.DeepEqual(v.Messages, msgs) ||
				!reflect.DeepEqual(v.History, hist) || !reflect.DeepEqual(v.Deficiencies, defs) {
				t.Fatalf("account %d: the one read differs from the five", p.ID)
			}
			if len(v.Documents) != len(orgDocs) || len(v.History) != 3 || len(v.Deficiencies) != 1 {
				t.Fatalf("view: %d documents, %d events, %d deficiencies", len(v.Documents), len(v.History), len(v.Deficiencies))
			}
		}
		v, _ := f.e.CaseView(ctx, f.org, c.TrackingCode)
		if len(v.Messages) != 1 || v.Messages[0].Internal {
			t.Fatalf("applicant reads %+v", v.Messages)
		}
		// Returned as incomplete, the applicant holds the case: they may upload and
		// resubmit or withdraw; the expert has no step and so is not offered claim.
		if got, want := actionIDs(v), "resubmit:transition withdraw_incomplete:transition upload:upload message:message"; got != want {
			t.Fatalf("applicant of an incomplete case is offered %q, want %q", got, want)
		}
		v, _ = f.e.CaseView(ctx, f.expert, c.TrackingCode)
		if got, want := actionIDs(v), "message:message internal_note:internal_note"; got != want {
			t.Fatalf("expert of an incomplete case is offered %q, want %q", got, want)
		}
	})
}

// reviewLink is a module that offers a step as a link to its own page; the test
// sets it after the case is submitted, so only Actions is called.
type reviewLink struct{ Module }

func (reviewLink) Actions(v *View, _ *identity.Principal, steps []Action) []Action {
	var out []Action
	for _, a := range steps {
		if a.ID != "accept_documents" {
			out = append(out, a)
		}
	}
	return append(out, Action{ID: "mod-review", Kind: ActionLink, Label: "x", Path: "/cases/" + v.TrackingCode + "/mod"})
}

// TestModuleReplacesTransitionsWithItsOwnActions (architecture #12): a module that
// implements ActionProvider takes a transition off the view and offers its page.
func TestModuleReplacesTransitionsWithItsOwnActions(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := f.submitted(t)
		f.e.Modules = map[string]Module{"certify": reviewLink{}} // only its actions are used
		v, err := f.e.CaseView(ctx, f.expert, c.TrackingCode)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := actionIDs(v), "return_incomplete:return mod-review:link claim:claim message:message internal_note:internal_note"; got != want {
			t.Fatalf("actions %q, want %q", got, want)
		}
		if a := v.Actions[1]; a.Path != "/cases/"+c.TrackingCode+"/mod" {
			t.Fatalf("link %+v", a)
		}
	})
}
