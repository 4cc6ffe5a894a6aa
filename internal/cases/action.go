package cases

import (
	"github.com/itoir/miz/internal/authz"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
)

// ActionKind says how an adapter offers an action: which form it posts, or that
// it links to a module's own page.
type ActionKind string

// The kinds of action a case view offers. The generic ones name the engine's use
// case the adapter calls (the web and the API serve each under the case's path:
// …/transitions, …/return, …/claim, …/messages, …/documents).
const (
	// ActionTransition takes the generic transition ID (Engine.Transition), with a
	// reason or decision when the transition asks for one.
	ActionTransition ActionKind = "transition"
	// ActionReturn takes the transition into the incomplete-documents pause with
	// the list of missing items (Engine.ReturnIncomplete).
	ActionReturn ActionKind = "return"
	// ActionClaim assigns the case to the caller (Engine.Claim).
	ActionClaim ActionKind = "claim"
	// ActionMessage posts a message (Engine.AddMessage).
	ActionMessage ActionKind = "message"
	// ActionInternalNote posts a note only staff read (Engine.AddInternalNote).
	ActionInternalNote ActionKind = "internal_note"
	// ActionUpload attaches a document the catalog lists (Engine.AttachDocument).
	ActionUpload ActionKind = "upload"
	// ActionLink is a step the caller takes on a module's own page, at Path.
	ActionLink ActionKind = "link"
	// ActionPage is a module's page that shows more of the case, at Path.
	ActionPage ActionKind = "page"
)

// IDs of the generic actions that are not transitions; a transition's action has
// the transition's ID, and a module's action an ID it chooses, prefixed with the
// module's name (e.g. "certify-review").
const (
	ActionIDClaim        = "claim"
	ActionIDMessage      = "message"
	ActionIDInternalNote = "internal_note"
	ActionIDUpload       = "upload"
)

// Action is one thing the caller of CaseView may do on the case now.
type Action struct {
	// ID is stable across languages and versions of the page: the transition's ID
	// for a transition, ActionID… for the other generic actions, the module's own
	// ID for a module's action.
	ID   string
	Kind ActionKind
	// Label is the message key of the action's name; empty for transitions, whose
	// name the catalog publishes (Transition.Name).
	Label string
	// Transition is the catalog's transition, for ActionTransition and ActionReturn.
	Transition *catalog.Transition
	// Path is the URL path of the module's page, for ActionLink and ActionPage.
	Path string
}

// Step reports whether the action moves the case along its process (a transition,
// a return, or a step taken on a module's page).
func (a Action) Step() bool {
	return a.Kind == ActionTransition || a.Kind == ActionReturn || a.Kind == ActionLink
}

// ActionProvider is implemented by a Module that changes the steps a case view
// offers: it may take generic transitions off the list and offer them as a link to
// its own page instead (CERTIFY's review needs its criteria checklist), or add
// actions of its own (ActionLink, ActionPage). steps are the transitions p may take
// now, in the catalog's order; the engine adds claim, message, note and upload after.
// Offering an action grants nothing: every use case still checks p when it runs.
type ActionProvider interface {
	Actions(v *View, p *identity.Principal, steps []Action) []Action
}

// actionsFor lists what p may do on the case of v now: the transitions v.Next
// holds (a return into the incomplete pause as ActionReturn), as the service's
// module adjusts them; claim for the service's staff while there is a step to take
// on the open case; upload for the applicant while they hold it; messages; and
// internal notes for staff.
func (e *Engine) actionsFor(p *identity.Principal, v *View) []Action {
	var out []Action
	for _, t := range v.Next {
		a := Action{ID: t.ID, Kind: ActionTransition, Transition: t}
		if to, ok := v.KindDef.State(t.To); ok && to.Pause == catalog.PauseIncomplete {
			a.Kind = ActionReturn
		}
		out = append(out, a)
	}
	if ap, ok := e.module(v.ServiceDef).(ActionProvider); ok {
		out = ap.Actions(v, p, out)
	}
	open := v.ClosedAt.IsZero()
	step := false
	for _, a := range out {
		step = step || a.Step()
	}
	if step && open && authz.Decide(p, authz.Act, authz.Resource{Kind: authz.Queue, Service: v.Service}) {
		out = append(out, Action{ID: ActionIDClaim, Kind: ActionClaim, Label: "cases.claim"})
	}
	if open && v.Holder == catalog.HolderApplicant && authz.Decide(p, authz.Update, v.resource(authz.Case)) {
		out = append(out, Action{ID: ActionIDUpload, Kind: ActionUpload, Label: "cases.documents.upload"})
	}
	if open && authz.Decide(p, authz.Create, v.resource(authz.Message)) {
		out = append(out, Action{ID: ActionIDMessage, Kind: ActionMessage, Label: "cases.send"})
	}
	if authz.Decide(p, authz.Create, v.resource(authz.InternalNote)) {
		out = append(out, Action{ID: ActionIDInternalNote, Kind: ActionInternalNote, Label: "cases.internal"})
	}
	return out
}
