package application

import (
	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/identity"
)

// The actions this module offers on a case view, by ID.
const (
	// ActionDetails is the application's own page: product, reviews, certificate.
	ActionDetails = "certify-details"
	// ActionReview is the expert's technical review, taken on that page with the
	// catalog's criteria checklist (C-4.3) instead of as bare pass/fail steps.
	ActionReview = "certify-review"
)

// PagePath is the URL path of an application's own page.
func PagePath(code string) string { return "/cases/" + code + "/certify" }

// Compile-time check that Module adjusts the case view's actions.
var _ cases.ActionProvider = (*Module)(nil)

// Actions offers the application's page to whoever sees the case, and replaces the
// review transitions (pass_review, fail_criteria), which need the checklist, by one
// link to the review on that page, where the first of them stood.
func (m *Module) Actions(v *cases.View, _ *identity.Principal, steps []cases.Action) []cases.Action {
	if v.Kind != Kind {
		return steps
	}
	out := cases.MoveToPage(steps, &cases.Action{ID: ActionReview, Kind: cases.ActionLink, Label: "certify.app.review_there",
		Path: PagePath(v.TrackingCode) + "#certify-review"}, TransitionPass, TransitionFail)
	return append(out, cases.Action{ID: ActionDetails, Kind: cases.ActionPage, Label: "certify.app.link", Path: PagePath(v.TrackingCode)})
}
