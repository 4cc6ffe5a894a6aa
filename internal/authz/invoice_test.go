package authz

import (
	"testing"

	"github.com/itoir/miz/internal/identity"
)

// §6: the payer sees and pays their invoice; the service's staff see it and record
// bank payments; only a supervisor cancels or refunds; reports are for supervisors,
// analysts and admins; staff of another service see nothing.
func TestInvoicePolicy_Section6(t *testing.T) {
	payer := &identity.Principal{Account: identity.Account{ID: 1, Kind: identity.KindPerson, PersonID: 10}}
	other := &identity.Principal{Account: identity.Account{ID: 2, Kind: identity.KindPerson, PersonID: 20}}
	staff := func(id int64, svc string, r identity.Role) *identity.Principal {
		return &identity.Principal{Account: identity.Account{ID: id, Kind: identity.KindStaff}, Grants: map[string][]identity.Role{svc: {r}}}
	}
	expert, super, analyst := staff(3, "cert", identity.Expert), staff(4, "cert", identity.Supervisor), staff(5, "cert", identity.Analyst)
	certifyExpert := staff(6, "certify", identity.Expert)
	admin := &identity.Principal{Account: identity.Account{ID: 7, Kind: identity.KindStaff, Admin: true}}
	inv := Resource{Kind: Invoice, Service: "cert", OwnerPersonID: 10, OwnerAccountID: 1}
	tests := []struct {
		name string
		p    *identity.Principal
		v    Verb
		want bool
	}{
		{"payer views", payer, View, true},
		{"payer pays", payer, Update, true},
		{"payer records a bank payment", payer, Act, false},
		{"another applicant views", other, View, false},
		{"anonymous views", nil, View, false},
		{"expert views", expert, View, true},
		{"expert records a bank payment", expert, Act, true},
		{"expert refunds", expert, Publish, false},
		{"supervisor refunds", super, Publish, true},
		{"analyst reports", analyst, Export, true},
		{"expert reports", expert, Export, false},
		{"admin reports", admin, Export, true},
		{"CERTIFY's expert views a CERT invoice", certifyExpert, View, false},
		{"CERTIFY's expert records a payment", certifyExpert, Act, false},
	}
	for _, tt := range tests {
		if got := Decide(tt.p, tt.v, inv); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
