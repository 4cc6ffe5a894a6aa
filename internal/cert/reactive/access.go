package reactive

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/cert/tlp"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// handlers are the CERT roles that work incidents.
var handlers = []identity.Role{identity.Responder, identity.Analyst}

// needToKnow decides whether staff member p may open incident c: its supervisors,
// the staff it is assigned to, and the responders and analysts on duty now by the
// service's duty roster (identity.OnDuty). While nobody of the service is on duty
// by the roster (no roster yet, or a gap in it), the service's responders and
// analysts stand in for it on incidents nobody holds, so that a report at night is
// picked up. Everyone else of the service sees only the queue line.
func needToKnow(ctx context.Context, tx *store.Tx, c *cases.Case, p *identity.Principal) (bool, error) {
	if p.HasRole(c.Service, identity.Supervisor) || (c.AssigneeAccountID != 0 && c.AssigneeAccountID == p.ID) {
		return true, nil
	}
	handler := false
	for _, r := range handlers {
		handler = handler || p.HasRole(c.Service, r)
	}
	if !handler {
		return false, nil
	}
	onDuty, err := identity.OnDuty(ctx, tx, c.Service, tx.Now)
	if err != nil {
		return false, err
	}
	if len(onDuty) == 0 {
		return c.AssigneeAccountID == 0, nil
	}
	return slices.Contains(onDuty, p.ID), nil
}

// MayRead is the engine's need-to-know gate (cases.Gate) for incidents. Staff must
// have need-to-know; on the applicant's side, the policy has already let the
// organisation in, and TLP narrows it: a RED report is its reporter's and its named
// recipients' only, not every member of the organisation's.
func (m *Module) MayRead(ctx context.Context, tx *store.Tx, c *cases.Case, p *identity.Principal) (bool, error) {
	if c.Kind != KindIncident {
		return true, nil
	}
	if p.IsStaff() {
		return needToKnow(ctx, tx, c, p)
	}
	label, err := labelOf(ctx, tx, c)
	if err != nil {
		return false, err
	}
	if label != tlp.Red {
		return true, nil
	}
	rec, err := loadRecipients(ctx, tx, c.ID)
	if err != nil {
		return false, err
	}
	return tlp.CanSee(viewerOf(p), itemOf(c, label, rec)), nil
}

// labelOf is an incident's label: its record's once submitted, its form's before.
func labelOf(ctx context.Context, tx *store.Tx, c *cases.Case) (tlp.Level, error) {
	r, err := loadRecord(ctx, tx, c.ID)
	if err == nil {
		return r.TLP, nil
	}
	if problem.As(err).Code != problem.NotFound {
		return 0, err
	}
	var f struct {
		TLP tlp.Level `json:"tlp"`
	}
	_ = json.Unmarshal(c.Form, &f) // the form was checked when stored
	if !f.TLP.Valid() {
		return tlp.Amber, nil
	}
	return f.TLP, nil
}

// viewerOf describes p to the TLP rule: staff reach this point only with
// need-to-know, so they are "the CERT"; applicants are the constituency.
func viewerOf(p *identity.Principal) tlp.Viewer {
	if p.IsStaff() {
		return tlp.Viewer{AccountID: p.ID, CERT: true}
	}
	return tlp.Viewer{AccountID: p.ID, OrgID: p.ApplicantOrgID(), Constituent: true}
}

// itemOf labels one item of incident c. The staff member it is assigned to counts
// as a named recipient: the reporter shares even RED with whoever handles it.
func itemOf(c *cases.Case, l tlp.Level, recipients []int64) tlp.Item {
	rec := recipients
	if c.AssigneeAccountID != 0 {
		rec = append(append([]int64(nil), recipients...), c.AssigneeAccountID)
	}
	return tlp.Item{Level: l, ReporterOrgID: c.ApplicantOrgID, ReporterAccountID: c.ApplicantAccountID, Recipients: rec}
}
