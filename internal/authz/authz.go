// Package authz is the one place that decides who may do what: every handler asks
// Decide, and the policy below is the written table the authorisation-matrix test
// checks cell by cell. D-1 content (forms, documents, messages of a case) is only ever
// reachable by the case's own applicant and the service's staff; D-2 (published
// certificates) is public.
package authz

import (
	"slices"

	"github.com/itoir/miz/internal/identity"
)

// Kind is a kind of object.
type Kind string

// Object kinds.
const (
	Case                  Kind = "case"
	CaseReopen            Kind = "case_reopen"
	Document              Kind = "document"
	InternalNote          Kind = "internal_note"
	Message               Kind = "message"
	Dispute               Kind = "dispute"
	Complaint             Kind = "complaint"
	ComplaintDeliberation Kind = "complaint_deliberation"
	CertificateDraft      Kind = "certificate_draft"
	Certificate           Kind = "certificate"
	AuditLog              Kind = "audit_log"
	KPI                   Kind = "kpi"
	Service               Kind = "service"
	ServiceDraft          Kind = "service_draft"
	Outage                Kind = "outage"
	Calendar              Kind = "calendar"
	Queue                 Kind = "queue"
	Account               Kind = "account"
	Invoice               Kind = "invoice"
	// Course is a CERT training course (SLA M-4.2): its catalog entry, enrolments,
	// attendance and certificates of attendance.
	Course Kind = "course"
	// Competition is a white-hat competition (seed §6); WhiteHatFinding is a
	// researcher's finding in one, never public.
	Competition     Kind = "competition"
	WhiteHatFinding Kind = "whitehat_finding"
)

// Verb is an action on an object.
type Verb string

// Verbs.
const (
	View    Verb = "view"
	Create  Verb = "create"
	Update  Verb = "update"
	Act     Verb = "act" // advance a case / decide
	Publish Verb = "publish"
	Export  Verb = "export"
)

// Resource is the object a request touches, with the facts the policy needs.
type Resource struct {
	Kind    Kind
	Service string
	// OwnerPersonID / OwnerOrgID: the applicant who owns a case (and its documents,
	// messages, disputes and complaints).
	OwnerPersonID int64
	OwnerOrgID    int64
	// OwnerAccountID is the account that opened the case.
	OwnerAccountID int64
	// Excluded lists accounts that may not take part (committee conflict of interest).
	Excluded []int64
}

// relation is how a principal stands to a resource.
type relation string

const (
	anyone     relation = "anyone"
	signedIn   relation = "signed_in"
	applicant  relation = "applicant" // signed in and not staff: may open cases
	owner      relation = "owner"     // the case's own applicant (person, or member acting for the org)
	admin      relation = "admin"
	notExclude relation = "not_excluded"
)

func role(r identity.Role) relation { return relation("role:" + string(r)) }

// rule is one cell group of the policy: any of the relations allows the verb.
// A rule may also require "not_excluded" in addition (All).
type rule struct {
	Any []relation
	All []relation
}

// staffOfCase are the roles that work a service's cases. CERT's processes (incident,
// vulnerability, dispatch) are worked by responders and analysts, so they are staff of
// those cases too (SLA C-4.3). A fresh slice each call: callers append to it.
func staffOfCase() []relation {
	return []relation{role(identity.Expert), role(identity.Supervisor), role(identity.Signer),
		role(identity.Responder), role(identity.Analyst)}
}

// policy is the written table: kind → verb → who.
func policy(k Kind, v Verb) (rule, bool) {
	switch k {
	case Case, Document, Message:
		switch v {
		case View:
			return rule{Any: append([]relation{owner}, staffOfCase()...)}, true
		case Create:
			if k == Case {
				return rule{Any: []relation{applicant}}, true
			}
			return rule{Any: append([]relation{owner}, staffOfCase()...)}, true
		case Update:
			return rule{Any: []relation{owner}}, true
		case Act:
			return rule{Any: staffOfCase()}, true
		}
	case CaseReopen:
		// Taking a closed case back to work is the supervisor's call; the complaints
		// desk does it on a committee's decision through the engine (C-4.5).
		if v == Act {
			return rule{Any: []relation{role(identity.Supervisor)}}, true
		}
	case InternalNote:
		if v == View || v == Create {
			return rule{Any: staffOfCase()}, true
		}
	case Dispute:
		switch v {
		case View, Create:
			return rule{Any: []relation{owner, role(identity.Supervisor)}}, true
		case Act:
			return rule{Any: []relation{owner, role(identity.Supervisor)}}, true
		}
	case Complaint:
		switch v {
		case View:
			// Staff involved see that a complaint exists and its outcome (C-4.5).
			return rule{Any: []relation{owner, role(identity.Committee), role(identity.Supervisor), role(identity.Expert), role(identity.Signer)}}, true
		case Create, Update:
			// Only the applicant files, answers requests and acknowledges.
			return rule{Any: []relation{owner}}, true
		case Act:
			// The service's supervisors carry out the remedies a decision orders.
			return rule{Any: []relation{role(identity.Supervisor)}}, true
		}
	case ComplaintDeliberation:
		switch v {
		case View, Create, Act:
			return rule{Any: []relation{role(identity.Committee)}, All: []relation{notExclude}}, true
		}
	case CertificateDraft:
		switch v {
		case View:
			return rule{Any: staffOfCase()}, true
		case Update:
			return rule{Any: []relation{role(identity.Expert)}}, true
		case Act:
			return rule{Any: []relation{role(identity.Signer)}}, true
		}
	case Certificate:
		switch v {
		case View, Export:
			return rule{Any: []relation{anyone}}, true // D-2: public
		case Act:
			return rule{Any: []relation{role(identity.Signer)}}, true
		}
	case AuditLog:
		if v == View || v == Export {
			return rule{Any: []relation{admin}}, true
		}
	case KPI:
		switch v {
		case View, Export:
			return rule{Any: []relation{anyone}}, true // aggregates only, never content (D-1)
		}
	case Service:
		if v == View {
			return rule{Any: []relation{anyone}}, true
		}
	case ServiceDraft:
		switch v {
		case View, Create, Update:
			return rule{Any: []relation{role(identity.Editor), admin}}, true
		case Publish:
			return rule{Any: []relation{role(identity.Supervisor), admin}}, true
		}
	case Outage, Calendar:
		switch v {
		case View:
			return rule{Any: []relation{anyone}}, true
		case Create, Update:
			return rule{Any: []relation{admin}}, true
		}
	case Queue:
		switch v {
		case View, Act:
			return rule{Any: staffOfCase()}, true
		case Export:
			return rule{Any: []relation{role(identity.Supervisor), role(identity.Analyst)}}, true
		}
	case Account:
		switch v {
		case View, Create, Update:
			return rule{Any: []relation{admin}}, true
		}
	case Invoice:
		// §6: the payer sees and pays their invoices; the service's staff see them
		// and record a bank payment; a supervisor cancels or refunds; revenue
		// reports go to supervisors, analysts and admins.
		switch v {
		case View:
			return rule{Any: append([]relation{owner, admin}, staffOfCase()...)}, true
		case Update:
			return rule{Any: []relation{owner}}, true
		case Act:
			return rule{Any: []relation{role(identity.Expert), role(identity.Supervisor)}}, true
		case Publish:
			return rule{Any: []relation{role(identity.Supervisor)}}, true
		case Export:
			return rule{Any: []relation{role(identity.Supervisor), role(identity.Analyst), admin}}, true
		}
	case Course, Competition:
		switch v {
		case View:
			return rule{Any: []relation{anyone}}, true // the public catalog and standings
		case Create, Update, Publish:
			return rule{Any: []relation{role(identity.Supervisor), role(identity.Editor), admin}}, true
		case Act: // attendance and certificates; triage and points
			return rule{Any: staffOfCase()}, true
		}
	case WhiteHatFinding:
		switch v {
		case View, Act:
			return rule{Any: staffOfCase()}, true
		}
	}
	return rule{}, false
}

// Excluded reports whether p is a committee member of r's service whom r.Excluded bars
// from the deliberation (conflict of interest, C-4.5): such a member may learn that the
// complaint exists and that they are excluded, never what the committee deliberates.
func Excluded(p *identity.Principal, r Resource) bool {
	return p != nil && p.HasRole(r.Service, identity.Committee) && slices.Contains(r.Excluded, p.ID)
}

// Decide reports whether p may apply verb to r. p is nil for anonymous requests.
func Decide(p *identity.Principal, v Verb, r Resource) bool {
	ru, ok := policy(r.Kind, v)
	if !ok {
		return false
	}
	for _, rel := range ru.All {
		if !holds(p, rel, r) {
			return false
		}
	}
	for _, rel := range ru.Any {
		if holds(p, rel, r) {
			return true
		}
	}
	return false
}

func holds(p *identity.Principal, rel relation, r Resource) bool {
	switch rel {
	case anyone:
		return true
	case signedIn:
		return p != nil
	case applicant:
		return p != nil && p.Kind != identity.KindStaff
	case admin:
		return p != nil && p.Admin
	case notExclude:
		return p != nil && !slices.Contains(r.Excluded, p.ID)
	case owner:
		return isOwner(p, r)
	}
	if p == nil || r.Service == "" {
		return false
	}
	name := string(rel)
	if len(name) > 5 && name[:5] == "role:" {
		return p.HasRole(r.Service, identity.Role(name[5:]))
	}
	return false
}

// isOwner: a case owned by an organisation belongs to the organisation's account and
// to members currently acting for it; a person's own case belongs to that person only.
func isOwner(p *identity.Principal, r Resource) bool {
	if p == nil || p.Kind == identity.KindStaff {
		return false
	}
	if r.OwnerOrgID != 0 {
		return p.ApplicantOrgID() == r.OwnerOrgID
	}
	return r.OwnerPersonID != 0 && p.PersonID == r.OwnerPersonID && p.ActingOrgID == 0
}
