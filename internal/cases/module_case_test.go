package cases

import (
	"testing"

	"github.com/itoir/miz/internal/identity"
)

// CERT's consent, dispatch and report use cases ask who acts for a case's
// applicant through ActsForApplicant.
func TestActsForApplicant(t *testing.T) {
	person := &Case{ApplicantAccountID: 7}
	org := &Case{ApplicantAccountID: 7, ApplicantOrgID: 3}
	for _, c := range []struct {
		name string
		p    *identity.Principal
		c    *Case
		want bool
	}{
		{"the person", &identity.Principal{Account: identity.Account{ID: 7, Kind: identity.KindPerson}}, person, true},
		{"another person", &identity.Principal{Account: identity.Account{ID: 8, Kind: identity.KindPerson}}, person, false},
		{"the organisation", &identity.Principal{Account: identity.Account{ID: 9, Kind: identity.KindOrganization, OrgID: 3}}, org, true},
		{"a member acting for it", &identity.Principal{Account: identity.Account{ID: 10, Kind: identity.KindPerson}, ActingOrgID: 3}, org, true},
		{"its filer acting for no one", &identity.Principal{Account: identity.Account{ID: 7, Kind: identity.KindPerson}}, org, false},
		{"another organisation", &identity.Principal{Account: identity.Account{ID: 11, Kind: identity.KindOrganization, OrgID: 4}}, org, false},
		{"staff", &identity.Principal{Account: identity.Account{ID: 7, Kind: identity.KindStaff}}, person, false},
	} {
		if got := c.c.ActsForApplicant(c.p); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
