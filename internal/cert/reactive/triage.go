package reactive

import (
	"context"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Triage classifies an incident on the RSIT taxonomy and sets its severity, which
// selects the response and resolution targets from the catalog. On a reported
// incident it is the first response: the engine's take step (reported → handling)
// carries the triage, so both are recorded together or neither. On an incident
// being handled it re-triages. Class, type and severity accept common spellings;
// unknown values are field errors. Whoever triages an incident nobody holds
// takes it (cases.Claim). Audited as cert.triage.
func (s *Service) Triage(ctx context.Context, p *identity.Principal, ref, class, typ, severity string) error {
	t, err := Triage{Class: class, Type: typ, Severity: severity}.check(nil)
	if err != nil {
		return err
	}
	v, err := s.openForStaff(ctx, p, ref)
	if err != nil {
		return err
	}
	if v.AssigneeAccountID == 0 && v.ClosedAt.IsZero() {
		// Whoever triages an unheld incident takes it: from then on it is
		// need-to-know for that responder (and supervisors) only.
		if err := s.Cases.Claim(ctx, p, v.TrackingCode); err != nil {
			return err
		}
		if v, err = s.openForStaff(ctx, p, ref); err != nil {
			return err
		}
	}
	if v.State == "reported" {
		_, err := s.Cases.Transition(ctx, p, v.TrackingCode, cases.TransitionInput{Transition: TransitionTake,
			Version: v.Version, Checklist: StepJSON(Step{Triage: &t})})
		return err
	}
	if !v.ClosedAt.IsZero() || v.State == "draft" {
		return problem.New(problem.Conflict, "cert.triage.state")
	}
	return s.update(ctx, func(tx *store.Tx) error {
		return recordTriage(ctx, tx, &v.Case, v.ServiceDef, p, t)
	})
}

// Close closes an incident with its closure code — resolved, not_an_incident,
// duplicate_of (naming the original's tracking code) or out_of_scope — through the
// engine's closing step for the incident's state, which records the code in the
// same transaction. reason is shown to the applicant.
func (s *Service) Close(ctx context.Context, p *identity.Principal, ref, code, duplicateOf, reason string) error {
	v, err := s.openForStaff(ctx, p, ref)
	if err != nil {
		return err
	}
	t := ClosureFor(v.State, code)
	if t == "" {
		if _, ok := map[string]bool{ClosureResolved: true, ClosureNotAnIncident: true, ClosureDuplicateOf: true, ClosureOutOfScope: true}[code]; !ok {
			return problem.Field("closure", "cert.closure.code")
		}
		return problem.New(problem.Conflict, "cases.transition.wrong_state", code, v.State)
	}
	_, err = s.Cases.Transition(ctx, p, v.TrackingCode, cases.TransitionInput{Transition: t, Reason: reason,
		Decision: cases.DecisionApprove, Version: v.Version,
		Checklist: StepJSON(Step{Closure: &Closure{Code: code, DuplicateOf: duplicateOf}})})
	return err
}
