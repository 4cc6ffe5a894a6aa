package reactive

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/cert/triage"
	"github.com/itoir/miz/internal/problem"
)

// Step is the structured record a transition of the incident process carries in
// cases.TransitionInput.Checklist: the triage taken with the first response, or
// the closure code of a closing step.
type Step struct {
	Triage  *Triage  `json:"triage,omitempty"`
	Closure *Closure `json:"closure,omitempty"`
}

// Triage is an incident's classification on the RSIT taxonomy and its severity.
type Triage struct {
	Class    string `json:"class"`
	Type     string `json:"type"`
	Severity string `json:"severity"`
}

// Closure codes of a closed incident.
const (
	ClosureResolved      = "resolved"
	ClosureNotAnIncident = "not_an_incident"
	ClosureDuplicateOf   = "duplicate_of"
	ClosureOutOfScope    = "out_of_scope"
)

// Closure is why an incident was closed; DuplicateOf names the original incident.
type Closure struct {
	Code        string `json:"code"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
}

// StepJSON encodes a step for cases.TransitionInput.Checklist.
func StepJSON(s Step) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func parseStep(raw json.RawMessage) (Step, error) {
	var s Step
	if len(bytes.TrimSpace(raw)) == 0 {
		return s, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, &problem.Error{Code: problem.Invalid, Key: "cert.form.invalid", Field: "checklist", Err: err}
	}
	return s, nil
}

// check returns the triage in the taxonomy's own spelling, or a field error.
func (t Triage) check(_ *catalog.Service) (Triage, error) {
	c, ty, classOK, typeOK := triage.ParseClassType(t.Class, t.Type)
	switch {
	case !classOK:
		return t, problem.Field("class", "cert.triage.class", strings.TrimSpace(t.Class))
	case !typeOK:
		return t, problem.Field("type", "cert.triage.type", strings.TrimSpace(t.Type))
	}
	sev, ok := triage.ParseSeverity(t.Severity)
	if !ok {
		return t, problem.Field("severity", "cert.triage.severity")
	}
	return Triage{Class: c, Type: ty, Severity: string(sev)}, nil
}

// closureCodes says which closure codes each closing transition records; the
// transition alone implies resolved and not_an_incident, so the generic step form
// needs no record for them.
var closureCodes = map[string][]string{
	TransitionResolve:        {ClosureResolved},
	TransitionDismiss:        {ClosureNotAnIncident},
	TransitionDismissHandled: {ClosureNotAnIncident},
	TransitionClose:          {ClosureDuplicateOf, ClosureOutOfScope},
	TransitionCloseReported:  {ClosureDuplicateOf, ClosureOutOfScope},
}

// closureOf reads and checks the closure a closing transition records.
func closureOf(transition string, raw json.RawMessage, self string) (Closure, error) {
	st, err := parseStep(raw)
	if err != nil {
		return Closure{}, err
	}
	allowed := closureCodes[transition]
	cl := Closure{Code: allowed[0]}
	if st.Closure != nil {
		cl = *st.Closure
		cl.Code = strings.ToLower(strings.TrimSpace(cl.Code))
	} else if len(allowed) > 1 {
		return cl, problem.Field("closure", "cert.closure.required")
	}
	ok := false
	for _, a := range allowed {
		ok = ok || a == cl.Code
	}
	if !ok {
		return cl, problem.Field("closure", "cert.closure.code")
	}
	if cl.Code != ClosureDuplicateOf {
		cl.DuplicateOf = ""
		return cl, nil
	}
	code, err := cases.ParseTrackingCode(cl.DuplicateOf)
	if err != nil || strings.TrimSpace(cl.DuplicateOf) == "" {
		return cl, problem.Field("duplicate_of", "cert.closure.duplicate")
	}
	if code == self {
		return cl, problem.Field("duplicate_of", "cert.closure.duplicate_self")
	}
	cl.DuplicateOf = code
	return cl, nil
}

// ClosureFor returns the closing transition for a closure code in a state, or "".
func ClosureFor(state, code string) string {
	switch {
	case code == ClosureResolved && state == "handling":
		return TransitionResolve
	case code == ClosureNotAnIncident && state == "reported":
		return TransitionDismiss
	case code == ClosureNotAnIncident && state == "handling":
		return TransitionDismissHandled
	case (code == ClosureDuplicateOf || code == ClosureOutOfScope) && state == "reported":
		return TransitionCloseReported
	case (code == ClosureDuplicateOf || code == ClosureOutOfScope) && state == "handling":
		return TransitionClose
	}
	return ""
}
