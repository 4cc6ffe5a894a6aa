package reactive

import (
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
)

// The actions this module offers on a case view, by ID.
const (
	// ActionIncident is the incident's own page: triage, phases, indicators, notes
	// and exports under TLP (built by the web step that follows this module).
	ActionIncident = "cert-incident"
	// ActionClose is closing with a code that needs a record the generic step
	// form cannot send (duplicate of which incident, or out of scope).
	ActionClose = "cert-close"
)

// PagePath is the URL path of an incident's own page.
func PagePath(code string) string { return "/cases/" + code + "/incident" }

// Compile-time check that Module adjusts the case view's actions.
var _ cases.ActionProvider = (*Module)(nil)

// Actions offers the incident's page, and replaces the close and close_reported
// steps, whose closure code (duplicate_of with the original's code, or
// out_of_scope) the generic step form cannot carry, by one link to closing there.
// Until the web serves that page (WebPages), those steps are only left out.
func (m *Module) Actions(v *cases.View, _ *identity.Principal, steps []cases.Action) []cases.Action {
	if v.Kind != KindIncident {
		return steps
	}
	if !m.WebPages {
		return cases.MoveToPage(steps, nil, TransitionClose, TransitionCloseReported)
	}
	out := cases.MoveToPage(steps, &cases.Action{ID: ActionClose, Kind: cases.ActionLink, Label: "cert.close.there",
		Path: PagePath(v.TrackingCode) + "#cert-close"}, TransitionClose, TransitionCloseReported)
	return append(out, cases.Action{ID: ActionIncident, Kind: cases.ActionPage, Label: "cert.incident.link", Path: PagePath(v.TrackingCode)})
}
