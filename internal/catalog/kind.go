package catalog

import "slices"

// CaseKind is one kind of case a service accepts, with its own process and
// clock budget; CERTIFY has one (application), CERT several (incident,
// vulnerability report, dispatch, course enrolment).
type CaseKind struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	// ApplicantTypes narrows the service's applicant types; empty means all.
	ApplicantTypes []string `yaml:"applicant_types"`
	// DeliveryTime is the kind's budget; Parse copies the service's when the
	// file leaves it out.
	DeliveryTime Delivery `yaml:"delivery_time"`
	// SLA overrides the service's clock policy; Parse fills it in.
	SLA SLAPolicy `yaml:"sla"`
	// Documents lists the IDs of the service documents this kind may ask for.
	Documents []string `yaml:"documents"`
	Process   Process  `yaml:"process"`
}

// Process is the published process of a case kind (C-4.3): a state machine
// whose states name who holds the case.
type Process struct {
	Initial     string       `yaml:"initial"`
	States      []State      `yaml:"states"`
	Transitions []Transition `yaml:"transitions"`
}

// State is one step of a process.
type State struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	// Holder is "organization" (the clock runs), "applicant" (it is paused)
	// or "none" for terminal states (SLA-CLOCK rule 1).
	Holder string `yaml:"holder"`
	// Pause says why an applicant holds the case: "draft", "incomplete",
	// "information", "payment" or "consent" (SLA-CLOCK rules 3 and 9).
	Pause    string `yaml:"pause"`
	Terminal bool   `yaml:"terminal"`
	// Roles may act on the case while it is in this state.
	Roles []string `yaml:"roles"`
	// Budget optionally limits the time spent in this one state, e.g. the
	// first response to an incident; it counts like the kind's budget.
	Budget *Duration `yaml:"budget"`
	// Payment makes the state wait for the applicant's payment (tariff.go).
	Payment *StatePayment `yaml:"payment"`
}

// Holders of a state.
const (
	HolderOrganization = "organization"
	HolderApplicant    = "applicant"
	HolderNone         = "none"
)

// Pause reasons of applicant-held states.
const (
	PauseDraft       = "draft"
	PauseIncomplete  = "incomplete"
	PauseInformation = "information"
	PausePayment     = "payment"
	PauseConsent     = "consent"
)

// CountsTime reports whether the SLA clock runs while a case is in s.
func (s *State) CountsTime() bool { return s.Holder == HolderOrganization }

// Transition is one permitted move between two states.
type Transition struct {
	ID   string `yaml:"id"`
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// Role is the one role that may take the transition.
	Role string `yaml:"role"`
	Name Text   `yaml:"name"`
	// RequiresDocuments makes the engine check, for the applicant's type,
	// that the documents in Documents are present, or, when Documents is
	// empty, every document of the kind that is required always.
	RequiresDocuments bool `yaml:"requires_documents"`
	// Documents names the kind's documents this transition needs.
	Documents []string `yaml:"documents"`
	// RequiresDecision makes the actor record a decision (approve, reject).
	RequiresDecision bool `yaml:"requires_decision"`
	// RequiresReason makes the actor write a reason shown to the applicant.
	RequiresReason bool `yaml:"requires_reason"`
	// FourEyes forbids the actor of the case's previous organization
	// transition from taking this one.
	FourEyes bool `yaml:"four_eyes"`
}

// Roles that may act on a case.
const (
	RoleExpert     = "expert"
	RoleSupervisor = "supervisor"
	RoleSigner     = "signer"
	RoleCommittee  = "committee"
	RoleEditor     = "editor"
	RoleAnalyst    = "analyst"
	RoleResponder  = "responder"
	RoleApplicant  = "applicant"
)

// Document is a file the service may ask an applicant for (C-4.2).
type Document struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	// Types are the accepted file types, e.g. pdf, png, jpeg, zip, docx;
	// uploads are checked by content, not by name.
	Types   []string `yaml:"types"`
	MaxSize ByteSize `yaml:"max_size"`
	// Required is "always" or "conditional"; Condition then says when.
	Required  string `yaml:"required"`
	Condition Text   `yaml:"condition"`
	// ApplicantTypes limits who is asked for the document; empty means all.
	ApplicantTypes []string `yaml:"applicant_types"`
}

// Requirement levels of a document.
const (
	RequiredAlways      = "always"
	RequiredConditional = "conditional"
)

// Kind returns the case kind with the given ID.
func (s *Service) Kind(id string) (*CaseKind, bool) {
	for i := range s.CaseKinds {
		if s.CaseKinds[i].ID == id {
			return &s.CaseKinds[i], true
		}
	}
	return nil, false
}

// Document returns the service document with the given ID.
func (s *Service) Document(id string) (*Document, bool) {
	for i := range s.Documents {
		if s.Documents[i].ID == id {
			return &s.Documents[i], true
		}
	}
	return nil, false
}

// DocumentsFor returns, in the kind's order, the documents that an applicant
// of the given type may be asked for in a case of the given kind (C-4.2).
// An empty applicantType returns the kind's documents for every type.
func (s *Service) DocumentsFor(kind, applicantType string) []Document {
	k, ok := s.Kind(kind)
	if !ok {
		return nil
	}
	var out []Document
	for _, id := range k.Documents {
		d, ok := s.Document(id)
		if ok && (applicantType == "" || len(d.ApplicantTypes) == 0 || slices.Contains(d.ApplicantTypes, applicantType)) {
			out = append(out, *d)
		}
	}
	return out
}

// State returns the state with the given ID.
func (k *CaseKind) State(id string) (*State, bool) {
	for i := range k.Process.States {
		if k.Process.States[i].ID == id {
			return &k.Process.States[i], true
		}
	}
	return nil, false
}

// Transition returns the transition with the given ID.
func (k *CaseKind) Transition(id string) (*Transition, bool) {
	for i := range k.Process.Transitions {
		if k.Process.Transitions[i].ID == id {
			return &k.Process.Transitions[i], true
		}
	}
	return nil, false
}

// TransitionsFrom returns the transitions that leave state, in file order.
func (k *CaseKind) TransitionsFrom(state string) []*Transition {
	var out []*Transition
	for i := range k.Process.Transitions {
		if k.Process.Transitions[i].From == state {
			out = append(out, &k.Process.Transitions[i])
		}
	}
	return out
}

// Accepts reports whether an applicant of the given type may open a case of
// this kind; svc supplies the service-wide list when the kind has none.
func (k *CaseKind) Accepts(svc *Service, applicantType string) bool {
	types := k.ApplicantTypes
	if len(types) == 0 {
		types = svc.ApplicantTypes
	}
	return slices.Contains(types, applicantType)
}
