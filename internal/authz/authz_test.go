package authz

import (
	"testing"

	"github.com/itoir/miz/internal/identity"
)

// The matrix: who may do what to one CERTIFY case owned by applicant A (a person) and
// to one owned by organisation O. Each row is a cell of the written policy; a leak of
// D-1 content (case, document, message) to anyone outside the case fails here.
func TestPolicyMatrix(t *testing.T) {
	applicantA := &identity.Principal{Account: identity.Account{ID: 1, Kind: identity.KindPerson, PersonID: 10}}
	applicantB := &identity.Principal{Account: identity.Account{ID: 2, Kind: identity.KindPerson, PersonID: 20}}
	memberActing := &identity.Principal{Account: identity.Account{ID: 3, Kind: identity.KindPerson, PersonID: 30}, ActingOrgID: 100, MemberOf: []int64{100}}
	memberNotActing := &identity.Principal{Account: identity.Account{ID: 4, Kind: identity.KindPerson, PersonID: 30}, MemberOf: []int64{100}}
	orgAccount := &identity.Principal{Account: identity.Account{ID: 5, Kind: identity.KindOrganization, OrgID: 100}}
	staff := func(id int64, svc string, r identity.Role) *identity.Principal {
		return &identity.Principal{Account: identity.Account{ID: id, Kind: identity.KindStaff}, Grants: map[string][]identity.Role{svc: {r}}}
	}
	expertCertify := staff(6, "certify", identity.Expert)
	expertCert := staff(7, "cert", identity.Expert)
	signer := staff(8, "certify", identity.Signer)
	committee := staff(9, "certify", identity.Committee)
	editor := staff(10, "certify", identity.Editor)
	admin := &identity.Principal{Account: identity.Account{ID: 11, Kind: identity.KindStaff, Admin: true}}

	caseA := Resource{Kind: Case, Service: "certify", OwnerPersonID: 10, OwnerAccountID: 1}
	caseO := Resource{Kind: Case, Service: "certify", OwnerOrgID: 100, OwnerAccountID: 3}
	with := func(r Resource, k Kind) Resource { r.Kind = k; return r }

	cells := []struct {
		name  string
		who   *identity.Principal
		verb  Verb
		res   Resource
		allow bool
	}{
		{"anonymous views a case", nil, View, caseA, false},
		{"owner views own case", applicantA, View, caseA, true},
		{"other applicant views A's case", applicantB, View, caseA, false},
		{"other applicant views A's document", applicantB, View, with(caseA, Document), false},
		{"owner uploads to own case", applicantA, Create, with(caseA, Document), true},
		{"member acting for O views O's case", memberActing, View, caseO, true},
		{"member not acting for O views O's case", memberNotActing, View, caseO, false},
		{"org account views O's case", orgAccount, View, caseO, true},
		{"A views O's case", applicantA, View, caseO, false},
		{"expert of certify views document", expertCertify, View, with(caseA, Document), true},
		{"expert of cert views certify document", expertCert, View, with(caseA, Document), false},
		{"owner reads internal note", applicantA, View, with(caseA, InternalNote), false},
		{"expert reads internal note", expertCertify, View, with(caseA, InternalNote), true},
		{"committee reads case documents", committee, View, with(caseA, Document), false},
		{"editor reads case", editor, View, caseA, false},
		{"admin reads case documents", admin, View, with(caseA, Document), false},
		{"applicant advances own case", applicantA, Act, caseA, false},
		{"expert advances case", expertCertify, Act, caseA, true},
		{"staff opens a case", expertCertify, Create, caseA, false},
		{"applicant opens a case", applicantB, Create, Resource{Kind: Case, Service: "certify"}, true},
		{"anyone views a published certificate (D-2)", nil, View, Resource{Kind: Certificate, Service: "certify"}, true},
		{"expert revokes a certificate", expertCertify, Act, Resource{Kind: Certificate, Service: "certify"}, false},
		{"signer revokes a certificate", signer, Act, Resource{Kind: Certificate, Service: "certify"}, true},
		{"anonymous views a certificate draft", nil, View, Resource{Kind: CertificateDraft, Service: "certify"}, false},
		{"committee deliberates", committee, View, Resource{Kind: ComplaintDeliberation, Service: "certify"}, true},
		{"excluded committee member deliberates", committee, View, Resource{Kind: ComplaintDeliberation, Service: "certify", Excluded: []int64{9}}, false},
		{"expert views deliberation", expertCertify, View, Resource{Kind: ComplaintDeliberation, Service: "certify"}, false},
		{"expert sees complaint exists", expertCertify, View, with(caseA, Complaint), true},
		{"other applicant sees A's complaint", applicantB, View, with(caseA, Complaint), false},
		{"excluded committee member votes (C-4.5)", committee, Act, Resource{Kind: ComplaintDeliberation, Service: "certify", Excluded: []int64{9}}, false},
		{"committee member votes (C-4.5)", committee, Act, Resource{Kind: ComplaintDeliberation, Service: "certify", Excluded: []int64{6, 8}}, true},
		{"committee of another service votes", staff(12, "cert", identity.Committee), Act, Resource{Kind: ComplaintDeliberation, Service: "certify"}, false},
		{"supervisor votes", staff(13, "certify", identity.Supervisor), Act, Resource{Kind: ComplaintDeliberation, Service: "certify"}, false},
		{"owner reads deliberation", applicantA, View, with(caseA, ComplaintDeliberation), false},
		{"excluded committee member sees complaint exists", committee, View, Resource{Kind: Complaint, Service: "certify", Excluded: []int64{9}}, true},
		{"owner files a complaint (A-4.2)", applicantA, Create, with(caseA, Complaint), true},
		{"other applicant files about A's case", applicantB, Create, with(caseA, Complaint), false},
		{"staff files a complaint", expertCertify, Create, with(caseA, Complaint), false},
		{"owner acknowledges the decision", applicantA, Update, with(caseA, Complaint), true},
		{"expert updates a complaint", expertCertify, Update, with(caseA, Complaint), false},
		{"supervisor carries out remedies", staff(13, "certify", identity.Supervisor), Act, with(caseA, Complaint), true},
		{"expert carries out remedies", expertCertify, Act, with(caseA, Complaint), false},
		{"supervisor reopens a closed case", staff(13, "certify", identity.Supervisor), Act, with(caseA, CaseReopen), true},
		{"supervisor of another service reopens", staff(14, "cert", identity.Supervisor), Act, with(caseA, CaseReopen), false},
		{"expert reopens a closed case", expertCertify, Act, with(caseA, CaseReopen), false},
		{"committee member reopens directly", committee, Act, with(caseA, CaseReopen), false},
		{"owner reopens own case", applicantA, Act, with(caseA, CaseReopen), false},
		{"owner opens a dispute (§7)", applicantA, Create, with(caseA, Dispute), true},
		{"other applicant opens a dispute on A's case", applicantB, Create, with(caseA, Dispute), false},
		{"public views KPIs", nil, View, Resource{Kind: KPI, Service: "certify"}, true},
		{"expert reads audit log", expertCertify, View, Resource{Kind: AuditLog}, false},
		{"admin reads audit log", admin, View, Resource{Kind: AuditLog}, true},
		{"editor drafts a service version", editor, Create, Resource{Kind: ServiceDraft, Service: "certify"}, true},
		{"editor publishes alone", editor, Publish, Resource{Kind: ServiceDraft, Service: "certify"}, false},
		{"unknown kind is denied", admin, View, Resource{Kind: "nonsense"}, false},
	}
	for _, c := range cells {
		if got := Decide(c.who, c.verb, c.res); got != c.allow {
			t.Errorf("%s: got %v, want %v", c.name, got, c.allow)
		}
	}
}

func TestExcludedMemberSeesExclusion_C45(t *testing.T) {
	member := &identity.Principal{Account: identity.Account{ID: 9, Kind: identity.KindStaff},
		Grants: map[string][]identity.Role{"certify": {identity.Committee}}}
	expert := &identity.Principal{Account: identity.Account{ID: 6, Kind: identity.KindStaff},
		Grants: map[string][]identity.Role{"certify": {identity.Expert}}}
	r := Resource{Kind: ComplaintDeliberation, Service: "certify", Excluded: []int64{6, 9}}
	if !Excluded(member, r) {
		t.Error("a committee member who acted on the case is not reported excluded")
	}
	if Excluded(expert, r) {
		t.Error("an expert who is not on the committee is reported excluded")
	}
	if Excluded(member, Resource{Kind: ComplaintDeliberation, Service: "certify"}) || Excluded(nil, r) {
		t.Error("exclusion reported without a conflict")
	}
}
