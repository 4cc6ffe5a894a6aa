package cases

import (
	"context"
	"slices"

	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
)

// GetOf is Get for a module's own use cases (CERT's consent, dispatch and
// reports): the case of code as p may see it, only if its service belongs to
// module and the case is of one of kinds. Without a principal it is Unauthorized;
// a case p may not see, or of another module or kind, is NotFound.
func (e *Engine) GetOf(ctx context.Context, p *identity.Principal, code, module string, kinds ...string) (*View, error) {
	if p == nil {
		return nil, problem.New(problem.Unauthorized, "error.unauthorized")
	}
	v, err := e.Get(ctx, p, code)
	if err != nil {
		return nil, err
	}
	if v.ServiceDef == nil || v.ServiceDef.Module != module || !slices.Contains(kinds, v.Kind) {
		return nil, problem.New(problem.NotFound, "cases.not_found")
	}
	return v, nil
}

// ActsForApplicant reports whether p acts for the case's applicant: a member of
// the applicant organisation acting for it, or, for a case of a person, that
// person's own account. Staff never do.
func (c *Case) ActsForApplicant(p *identity.Principal) bool {
	if p.IsStaff() {
		return false
	}
	if c.ApplicantOrgID != 0 {
		return p.ApplicantOrgID() == c.ApplicantOrgID
	}
	return p.ID == c.ApplicantAccountID
}
