package web

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/certify/application"
	"github.com/itoir/miz/internal/identity"
)

// The case page as its users live in it (issue 13): a receipt right after
// submitting, the request of a paused case shown as a request with the input to
// answer it, the failed review's notes and the certificate on the case page itself,
// and, for the step that decides, the decision the step records, a summary of what
// it does and a preview of what will be issued.

// requestView is what the organisation asked of the applicant: the reason written
// with the step that handed the case back.
type requestView struct {
	Pause  string
	Reason string
}

// previewView is what a decision step is about to settle: the case's subject and
// applicant, and who moved it to this step and when.
type previewView struct {
	Subject, Applicant catalog.Text
	Version            string
	By                 string
	Step               string
	Event              cases.Event
}

// caseExtras adds issue 13's parts of the case page to data.
func (s *Server) caseExtras(r *http.Request, pg *Page, v *cases.CaseView, acts caseActions, data map[string]any) {
	ctx, p := r.Context(), caller(r)
	visit, _ := pickedTime(r, "date")
	if r.Method == http.MethodGet {
		visit = s.now()
	}
	data["VisitDate"] = newPicker(pg.Lang, "visit-date", "date", pg.T("desk.visits.date"), visit, s.now(), false, false)
	owner := authz.Decide(p, authz.Update, authz.Resource{Kind: authz.Case, Service: v.Service,
		OwnerPersonID: v.ApplicantPersonID, OwnerOrgID: v.ApplicantOrgID, OwnerAccountID: v.ApplicantAccountID})
	data["Owner"] = owner
	data["Receipt"] = owner && r.URL.Query().Get("receipt") == "1" && !v.SubmittedAt.IsZero()
	data["Decisions"] = impliedDecisions(v.KindDef, acts.Steps)
	if owner && v.ClosedAt.IsZero() && v.StateDef != nil && v.StateDef.Holder == catalog.HolderApplicant &&
		v.StateDef.Pause != "" && v.StateDef.Pause != "draft" && len(v.History) > 0 {
		last := v.History[len(v.History)-1]
		data["Request"] = requestView{Pause: v.StateDef.Pause, Reason: last.Reason}
	}
	if !v.ClosedAt.IsZero() {
		data["CanAsk"] = false // a closed case takes no more questions (issue 13)
	}
	certify := v.ServiceDef != nil && v.ServiceDef.Module == "certify" && v.Kind == application.Kind
	if certify && owner && data["Request"] != nil {
		data["ReviewNotes"] = s.failedReviewNotes(ctx, v)
	}
	if certify && v.State == "issued" && s.Registry != nil {
		if n, err := s.Applications.CertificateNumber(ctx, v.TrackingCode); err == nil && n != "" {
			data["Certificate"] = n
		}
	}
	if pv := issuePreview(v, acts.Steps, data["Decisions"].(map[string]string)); pv != nil && p.IsStaff() {
		data["Preview"] = pv
	}
}

// impliedDecisions maps each decision step to the decision it records: a step that
// ends the case as its kind's rejection, or hands it back to the applicant, rejects;
// every other approves. Each step is then its own form with its own button, and no
// reject form can be sent as an approval (issue 13).
func impliedDecisions(k *catalog.CaseKind, steps []cases.Action) map[string]string {
	out := map[string]string{}
	for _, a := range steps {
		t := a.Transition
		if t == nil || !t.RequiresDecision {
			continue
		}
		out[a.ID] = cases.DecisionApprove
		if to, ok := k.State(t.To); ok && (to.Holder == catalog.HolderApplicant || to.Terminal && to.ID == "rejected") {
			out[a.ID] = cases.DecisionReject
		}
	}
	return out
}

// issuePreview is the preview shown to the staff member whose step approves into an
// end state (CERTIFY's sign and issue): what is issued, to whom, and who reviewed it.
func issuePreview(v *cases.CaseView, steps []cases.Action, decisions map[string]string) *previewView {
	for _, a := range steps {
		t := a.Transition
		if t == nil || decisions[a.ID] != cases.DecisionApprove {
			continue
		}
		if to, ok := v.KindDef.State(t.To); !ok || !to.Terminal {
			continue
		}
		pv := &previewView{Subject: v.Subject, Applicant: v.Applicant, Version: formString(v.Form, "version")}
		for i := len(v.History) - 1; i >= 0; i-- {
			ev := v.History[i]
			if ev.ActorAccountID != 0 && ev.ActorAccountID != v.ApplicantAccountID && ev.Transition != "claim" && ev.Transition != "assign" {
				pv.Event, pv.By, pv.Step = ev, v.ActorNames[ev.ActorAccountID], ev.Transition
				break
			}
		}
		return pv
	}
	return nil
}

// failedReviewNotes are the failed criteria of an application's latest review, with
// their names, for the applicant to read on the case page.
func (s *Server) failedReviewNotes(ctx context.Context, v *cases.CaseView) []criterionRow {
	reviews, err := s.Applications.CaseReviews(ctx, v.ID)
	if err != nil || len(reviews) == 0 {
		return nil
	}
	last := reviews[0] // newest first
	if last.Passed() {
		return nil
	}
	names := map[string]catalog.Text{}
	for _, it := range application.Criteria(v.ServiceDef) {
		names[it.ID] = it.Name
	}
	var out []criterionRow
	for _, c := range last.Checklist.Failed() {
		out = append(out, criterionRow{ID: c.ID, Name: names[c.ID], Result: c.Result, Note: c.Note})
	}
	return out
}

// actingFor names the organisation a person acts for in this session, for the
// header (issue 13); empty when they act for themself.
func (s *Server) actingFor(ctx context.Context, p *identity.Principal) (catalog.Text, bool) {
	if p == nil || p.ActingOrgID == 0 || p.Kind == identity.KindOrganization {
		return catalog.Text{}, false
	}
	prof, err := s.Accounts.Profile(ctx, p)
	if err != nil {
		return catalog.Text{}, false
	}
	for _, o := range prof.Orgs {
		if o.ID == p.ActingOrgID {
			return catalog.Text{FA: o.NameFa, EN: o.NameEn}, true
		}
	}
	return catalog.Text{}, false
}

// formString reads one text field of a case's form; empty when absent.
func formString(form json.RawMessage, key string) string {
	var m map[string]any
	if json.Unmarshal(form, &m) != nil {
		return ""
	}
	v, _ := m[key].(string)
	return v
}
